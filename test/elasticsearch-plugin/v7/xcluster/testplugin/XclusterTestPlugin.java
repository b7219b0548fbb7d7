package xcluster.testplugin;

import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.standard.UAX29URLEmailTokenizer;

/** 7.x: the analysis components and mustache. 7.x serves GET / itself (a second handler stops the node). */
public class XclusterTestPlugin extends TestPluginBase {
  @Override
  protected Tokenizer uaxUrlEmailTokenizer() {
    return new UAX29URLEmailTokenizer();
  }
}
