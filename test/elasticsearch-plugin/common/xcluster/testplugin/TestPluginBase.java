package xcluster.testplugin;

import java.util.Collection;
import java.util.Map;
import org.apache.lucene.analysis.Tokenizer;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.ScriptPlugin;
import org.elasticsearch.script.ScriptContext;
import org.elasticsearch.script.ScriptEngine;

/**
 * What every variant provides: the analysis components and mustache. The variants differ only in
 * where the zip's Lucene keeps UAX29URLEmailTokenizer (its package moved in Lucene 9) and in
 * whether the plugin serves GET / (8.x and 9.x).
 */
public abstract class TestPluginBase extends Plugin implements AnalysisPlugin, ScriptPlugin {
  /** A new Lucene UAX29URLEmailTokenizer. */
  protected abstract Tokenizer uaxUrlEmailTokenizer();

  @Override
  public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
    return Analysis.tokenFilters();
  }

  @Override
  public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
    return Analysis.tokenizers(this::uaxUrlEmailTokenizer);
  }

  @Override
  public ScriptEngine getScriptEngine(Settings settings, Collection<ScriptContext<?>> contexts) {
    return new MiniMustache();
  }
}
