package xcluster.testplugin;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.RemoveDuplicatesTokenFilter;
import org.apache.lucene.analysis.pattern.PatternCaptureGroupTokenFilter;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;

/**
 * Stands in for the analysis-common module, which the integ-test zip lacks: the `.security`
 * index's `email` analyzer needs the token filters `pattern_capture` and `unique` and the
 * tokenizer `uax_url_email`; without them every native-realm write fails. Backed by Lucene's
 * own classes from the zip's lib/. `unique` removes duplicates at the same position only.
 */
final class Analysis {
  private Analysis() {}

  static Map<String, AnalysisProvider<TokenFilterFactory>> tokenFilters() {
    return Map.of(
        "pattern_capture",
        (indexSettings, env, name, settings) -> {
          List<String> patterns = settings.getAsList("patterns");
          boolean preserveOriginal = settings.getAsBoolean("preserve_original", true);
          Pattern[] compiled = patterns.stream().map(Pattern::compile).toArray(Pattern[]::new);
          return filter(name, in -> new PatternCaptureGroupTokenFilter(in, preserveOriginal, compiled));
        },
        "unique",
        (indexSettings, env, name, settings) -> filter(name, RemoveDuplicatesTokenFilter::new));
  }

  static Map<String, AnalysisProvider<TokenizerFactory>> tokenizers(Supplier<Tokenizer> uaxUrlEmail) {
    return Map.of(
        "uax_url_email",
        (indexSettings, env, name, settings) ->
            new TokenizerFactory() {
              @Override
              public String name() {
                return name;
              }

              @Override
              public Tokenizer create() {
                return uaxUrlEmail.get();
              }
            });
  }

  private interface Wrap {
    TokenStream apply(TokenStream in);
  }

  private static TokenFilterFactory filter(String name, Wrap wrap) {
    return new TokenFilterFactory() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public TokenStream create(TokenStream in) {
        return wrap.apply(in);
      }
    };
  }
}
