package xcluster.testplugin;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.elasticsearch.script.ScriptContext;
import org.elasticsearch.script.ScriptEngine;
import org.elasticsearch.script.TemplateScript;

/**
 * Stands in for the lang-mustache module, which the integ-test zip lacks: role-mapping
 * role_templates and templated DLS queries render through a "mustache" TemplateScript.
 * Supports what those templates use: {{path.to.value}}, {{{path}}}, and {{#toJson}}path{{/toJson}}.
 * No sections, partials or escaping: a test stand-in, not a template engine.
 */
public final class MiniMustache implements ScriptEngine {
  private static final Pattern TO_JSON = Pattern.compile("\\{\\{#(?:toJson|tojson)\\}\\}\\s*([^{}]+?)\\s*\\{\\{/(?:toJson|tojson)\\}\\}");
  private static final Pattern VAR = Pattern.compile("\\{\\{\\{?\\s*([^{}#/^!\\s]+)\\s*\\}?\\}\\}");

  @Override
  public String getType() {
    return "mustache";
  }

  @Override
  public <T> T compile(String name, String code, ScriptContext<T> context, Map<String, String> options) {
    if (context.factoryClazz != TemplateScript.Factory.class) {
      throw new IllegalArgumentException("mustache (xcluster test plugin) only renders templates, not " + context.name);
    }
    TemplateScript.Factory factory = params -> new TemplateScript(params) {
      @Override
      public String execute() {
        return render(code, params);
      }
    };
    return context.factoryClazz.cast(factory);
  }

  @Override
  public Set<ScriptContext<?>> getSupportedContexts() {
    return Set.of(TemplateScript.CONTEXT);
  }

  @Override
  public void close() {}

  static String render(String code, Map<String, Object> params) {
    String out = replace(TO_JSON, code, path -> toJson(lookup(params, path)));
    return replace(VAR, out, path -> text(lookup(params, path)));
  }

  private interface Render {
    String apply(String path);
  }

  private static String replace(Pattern pattern, String code, Render render) {
    Matcher m = pattern.matcher(code);
    StringBuilder sb = new StringBuilder();
    while (m.find()) m.appendReplacement(sb, Matcher.quoteReplacement(render.apply(m.group(1))));
    m.appendTail(sb);
    return sb.toString();
  }

  private static Object lookup(Map<String, Object> params, String path) {
    Object current = params;
    for (String part : path.split("\\.")) {
      if (!(current instanceof Map<?, ?> map)) return null;
      current = map.get(part);
    }
    return current;
  }

  private static String text(Object v) {
    if (v == null) return "";
    if (v instanceof Collection<?> c) return String.join(",", c.stream().map(MiniMustache::text).toList());
    return v.toString();
  }

  private static String toJson(Object v) {
    if (v == null) return "null";
    if (v instanceof Number || v instanceof Boolean) return v.toString();
    if (v instanceof Collection<?> c) return "[" + String.join(",", c.stream().map(MiniMustache::toJson).toList()) + "]";
    if (v instanceof Map<?, ?> m) {
      return "{" + String.join(",", m.entrySet().stream().map(e -> toJson(String.valueOf(e.getKey())) + ":" + toJson(e.getValue())).toList()) + "}";
    }
    String s = v.toString().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
    return "\"" + s + "\"";
  }

}
