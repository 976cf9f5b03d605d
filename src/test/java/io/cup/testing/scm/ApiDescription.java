package io.cup.testing.scm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.AnnotationKeyword;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi30;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SCM's published API description (OpenAPI 3.0 for GitHub, Swagger 2.0 for Gitea and GitLab),
 * loaded from {@code src/test/resources/scm-api/} and checked against requests: which operation a
 * request is, and every way it departs from what the description declares.
 *
 * <p>The description is the trimmed upstream file ({@code scm-api/<name>}) with the extra
 * operations of {@code scm-api/extra/<name>} merged in: every key of the extra file that the
 * trimmed file lacks is added, at any depth, so an extra operation's {@code $ref}s resolve against
 * the union (see {@code scm-api/extra/README.md}). Each description is loaded once per JVM; the
 * schema of each operation's request body is compiled once, on first use.
 *
 * <p>Checked: method and path against the path templates (after the base path), path parameters
 * (type and enum), query parameters (each one sent must be declared; type, enum; required ones
 * present), required header parameters, the body's Content-Type ({@code application/json}), and the
 * JSON body against the operation's schema (OpenAPI 3.0 {@code requestBody}, Swagger 2.0 {@code in:
 * body}) or, for Swagger 2.0 {@code in: formData} parameters, each JSON field against its
 * parameter. Authentication is the stand-in's business ({@link ScmStandIn}).
 */
public final class ApiDescription {
  /** The format of a description, which decides where parameters and body schemas live. */
  public enum Format {
    OPENAPI_30,
    SWAGGER_20
  }

  /** What kind of departure a violation is; the stand-in answers each the way its SCM does. */
  public enum Problem {
    /** No operation has this method and path. */
    UNKNOWN_OPERATION,
    /** The body is not JSON, or not sent as {@code application/json}. */
    MALFORMED_BODY,
    /** A parameter or a body field does not match the description. */
    INVALID
  }

  /** One departure from the description, in words a test failure can show. */
  public record Violation(Problem problem, String message) {
    @Override
    public String toString() {
      return message;
    }
  }

  /**
   * A request as it arrived.
   *
   * @param rawPath the path as sent, still percent-encoded (so {@code group%2Fproj} is one segment)
   * @param rawQuery the query as sent, or null
   * @param headers header names to values; looked up without regard to case
   */
  public record Request(
      String method,
      String rawPath,
      String rawQuery,
      Map<String, List<String>> headers,
      byte[] body) {
    public Request {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(rawPath, "rawPath");
      headers = headers == null ? Map.of() : headers;
      body = body == null ? new byte[0] : body;
    }

    /** The first value of a header, whatever the case of its name. */
    public Optional<String> header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return Optional.of(e.getValue().get(0));
        }
      }
      return Optional.empty();
    }
  }

  /**
   * The outcome of {@link #check}.
   *
   * @param operationId the operation the method and path matched, or null if none
   * @param pathParameters the matched path parameters, percent-decoded
   * @param query the query parameters, percent-decoded, in the order sent
   * @param body the parsed JSON body, or null if none was sent or it did not parse
   */
  public record Result(
      String operationId,
      Map<String, String> pathParameters,
      Map<String, List<String>> query,
      JsonNode body,
      List<Violation> violations) {
    public boolean ok() {
      return violations.isEmpty();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, ApiDescription> LOADED = new ConcurrentHashMap<>();
  private static final Pattern TEMPLATE_PARAMETER = Pattern.compile("\\{([^}/]+)}");
  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  private final String name;
  private final Format format;
  private final String basePath;
  private final JsonNode document;
  private final String documentUri;
  private final JsonSchemaFactory schemas;
  private final SchemaValidatorsConfig schemaConfig;
  private final List<Operation> operations;
  private final Map<String, JsonSchema> compiledBodies = new ConcurrentHashMap<>();

  /** GitHub's REST API (OpenAPI 3.0, no base path). */
  public static ApiDescription github() {
    return LOADED.computeIfAbsent("github.json", f -> load("GitHub", f));
  }

  /** Gitea's API (Swagger 2.0, base path {@code /api/v1}). */
  public static ApiDescription gitea() {
    return LOADED.computeIfAbsent("gitea.json", f -> load("Gitea", f));
  }

  /** GitLab's API v4 (Swagger 2.0, paths already start with {@code /api/v4}). */
  public static ApiDescription gitlab() {
    return LOADED.computeIfAbsent("gitlab.yaml", f -> load("GitLab", f));
  }

  private static ApiDescription load(String name, String file) {
    ObjectNode document = (ObjectNode) read("/scm-api/" + file);
    mergeMissing(document, read("/scm-api/extra/" + file));
    return new ApiDescription(name, document);
  }

  private static JsonNode read(String resource) {
    try (InputStream in = ApiDescription.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("test resource " + resource + " is missing");
      }
      ObjectMapper mapper = resource.endsWith(".yaml") ? new YAMLMapper() : JSON;
      return mapper.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  /** Adds every field of {@code extra} that {@code target} lacks, recursing into objects. */
  private static void mergeMissing(ObjectNode target, JsonNode extra) {
    Iterator<Map.Entry<String, JsonNode>> fields = extra.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode existing = target.get(field.getKey());
      if (existing == null) {
        target.set(field.getKey(), field.getValue());
      } else if (existing.isObject() && field.getValue().isObject()) {
        mergeMissing((ObjectNode) existing, field.getValue());
      }
    }
  }

  private ApiDescription(String name, JsonNode document) {
    this.name = name;
    this.document = document;
    this.format = document.has("openapi") ? Format.OPENAPI_30 : Format.SWAGGER_20;
    this.basePath = basePathOf(document, format);
    this.documentUri = "https://scm-api.cup.test/" + name.toLowerCase(Locale.ROOT) + ".json";
    String text;
    try {
      text = JSON.writeValueAsString(document);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> served = Map.of(documentUri, text);
    // OpenAPI 3.0 schemas are their own dialect (nullable, discriminator, ...); Swagger 2.0 schemas
    // are JSON Schema draft 4. Both carry extension keywords (x-go-name, example, ...):
    // annotations.
    JsonMetaSchema dialect =
        JsonMetaSchema.builder(
                format == Format.OPENAPI_30 ? OpenApi30.getInstance() : JsonMetaSchema.getV4())
            .unknownKeywordFactory((keyword, context) -> new AnnotationKeyword(keyword))
            .build();
    this.schemas =
        JsonSchemaFactory.getInstance(
            SpecVersion.VersionFlag.V4,
            builder ->
                builder
                    .metaSchema(dialect)
                    .defaultMetaSchemaIri(dialect.getIri())
                    .schemaLoaders(loaders -> loaders.schemas(served)));
    this.schemaConfig = SchemaValidatorsConfig.builder().pathType(PathType.LEGACY).build();
    this.operations = readOperations();
  }

  private static String basePathOf(JsonNode document, Format format) {
    String base;
    if (format == Format.SWAGGER_20) {
      base = document.path("basePath").asText("");
    } else {
      String server = document.path("servers").path(0).path("url").asText("");
      base = server.isEmpty() ? "" : URI.create(server).getPath();
    }
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  /** The SCM's name, for messages. */
  public String name() {
    return name;
  }

  public Format format() {
    return format;
  }

  /** The prefix every path carries before the description's path templates. */
  public String basePath() {
    return basePath;
  }

  /** Every operationId the description holds. */
  public List<String> operationIds() {
    return operations.stream().map(Operation::id).toList();
  }

  /**
   * The status codes the description documents for an operation's success, lowest first (the
   * stand-in answers with the first: 201 for Gitea's pull edit, 200 for GitHub's).
   */
  public int successStatus(String operationId) {
    Operation op = operation(operationId);
    return op.node.path("responses").properties().stream()
        .map(Map.Entry::getKey)
        .filter(code -> code.matches("2\\d\\d"))
        .mapToInt(Integer::parseInt)
        .min()
        .orElse(200);
  }

  /** Whether the description lists {@code status} among the operation's responses. */
  public boolean declaresStatus(String operationId, int status) {
    return operation(operationId).node.path("responses").has(Integer.toString(status));
  }

  /** Checks one request; never throws for a bad request, it reports it. */
  public Result check(Request request) {
    String method = request.method().toUpperCase(Locale.ROOT);
    String where = method + " " + request.rawPath();
    List<Violation> violations = new ArrayList<>();
    Map<String, List<String>> query = parseQuery(request.rawQuery());
    if (!request.rawPath().startsWith(basePath + "/")) {
      violations.add(
          new Violation(
              Problem.UNKNOWN_OPERATION,
              where + ": not under " + name + "'s base path '" + basePath + "'"));
      return new Result(null, Map.of(), query, null, violations);
    }
    String path = request.rawPath().substring(basePath.length());
    Operation matched = null;
    Map<String, String> parameters = Map.of();
    List<String> otherMethods = new ArrayList<>();
    for (Operation op : operations) {
      Matcher m = op.pattern.matcher(path);
      if (!m.matches()) {
        continue;
      }
      if (!op.method.equals(method)) {
        otherMethods.add(op.method + " " + op.template);
        continue;
      }
      matched = op;
      parameters = new LinkedHashMap<>();
      for (int i = 0; i < op.pathParameterNames.size(); i++) {
        parameters.put(op.pathParameterNames.get(i), decode(m.group(i + 1)));
      }
      break;
    }
    if (matched == null) {
      String why =
          otherMethods.isEmpty()
              ? "no operation in the " + name + " description has this path"
              : "the " + name + " description has no " + method + " here, only " + otherMethods;
      violations.add(new Violation(Problem.UNKNOWN_OPERATION, where + ": " + why));
      return new Result(null, Map.of(), query, null, violations);
    }
    String prefix = where + " (" + matched.id + "): ";
    checkParameters(matched, parameters, query, request, prefix, violations);
    JsonNode body = checkBody(matched, request, prefix, violations);
    return new Result(matched.id, Map.copyOf(parameters), query, body, List.copyOf(violations));
  }

  private void checkParameters(
      Operation op,
      Map<String, String> pathValues,
      Map<String, List<String>> query,
      Request request,
      String prefix,
      List<Violation> violations) {
    for (JsonNode parameter : op.parameters) {
      String in = parameter.path("in").asText();
      String parameterName = parameter.path("name").asText();
      boolean required = parameter.path("required").asBoolean(false);
      JsonNode type = simpleSchema(parameter);
      switch (in) {
        case "path" -> {
          String value = pathValues.get(parameterName);
          if (value != null) {
            checkValue(type, value, prefix + "path parameter " + parameterName, violations);
          }
        }
        case "query" -> {
          List<String> values = query.get(parameterName);
          if (values == null && "array".equals(type.path("type").asText())) {
            values = query.get(parameterName + "[]");
          }
          if (values == null) {
            if (required) {
              violations.add(
                  new Violation(
                      Problem.INVALID, prefix + "required query parameter " + parameterName));
            }
            continue;
          }
          for (String value : values) {
            checkValue(type, value, prefix + "query parameter " + parameterName, violations);
          }
        }
        case "header" -> {
          if (required && request.header(parameterName).isEmpty()) {
            violations.add(
                new Violation(Problem.INVALID, prefix + "required header " + parameterName));
          }
        }
        default -> {
          // body and formData are checked with the body
        }
      }
    }
    for (String sent : query.keySet()) {
      String bare = sent.endsWith("[]") ? sent.substring(0, sent.length() - 2) : sent;
      boolean declared =
          op.parameters.stream()
              .anyMatch(
                  p ->
                      "query".equals(p.path("in").asText())
                          && (p.path("name").asText().equals(sent)
                              || p.path("name").asText().equals(bare)));
      if (!declared) {
        violations.add(
            new Violation(
                Problem.INVALID,
                prefix + "query parameter '" + sent + "' is not declared for this operation"));
      }
    }
  }

  /** The schema-like node of a parameter: OpenAPI 3.0's {@code schema}, Swagger 2.0's itself. */
  private JsonNode simpleSchema(JsonNode parameter) {
    JsonNode schema = parameter.has("schema") ? parameter.get("schema") : parameter;
    return resolve(schema);
  }

  private static void checkValue(
      JsonNode schema, String value, String what, List<Violation> violations) {
    String type = schema.path("type").asText("string");
    if ("array".equals(type)) {
      JsonNode items = schema.path("items");
      for (String item : value.split(",", -1)) {
        checkValue(items, item, what, violations);
      }
      return;
    }
    String problem =
        switch (type) {
          case "integer" -> value.matches("-?\\d+") ? null : "'" + value + "' is not an integer";
          case "number" ->
              value.matches("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?")
                  ? null
                  : "'" + value + "' is not a number";
          case "boolean" ->
              value.equals("true") || value.equals("false")
                  ? null
                  : "'" + value + "' is not a boolean";
          default -> null;
        };
    if (problem == null && schema.has("enum")) {
      boolean listed = false;
      for (JsonNode allowed : schema.get("enum")) {
        listed |= allowed.asText().equals(value);
      }
      if (!listed) {
        problem = "'" + value + "' is not one of " + schema.get("enum");
      }
    }
    if (problem != null) {
      violations.add(new Violation(Problem.INVALID, what + ": " + problem));
    }
  }

  private JsonNode checkBody(
      Operation op, Request request, String prefix, List<Violation> violations) {
    boolean sent = request.body().length > 0;
    boolean takesBody = op.bodySchema != null || !op.formData.isEmpty();
    if (!sent) {
      if (op.bodyRequired) {
        violations.add(new Violation(Problem.INVALID, prefix + "the request body is required"));
      }
      for (JsonNode field : op.formData) {
        if (field.path("required").asBoolean(false)) {
          violations.add(
              new Violation(
                  Problem.INVALID, prefix + "required field " + field.path("name").asText()));
        }
      }
      return null;
    }
    if (!takesBody) {
      violations.add(
          new Violation(Problem.INVALID, prefix + "a body was sent but the operation takes none"));
      return null;
    }
    String contentType = request.header("Content-Type").orElse("");
    String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!mediaType.equals("application/json")) {
      violations.add(
          new Violation(
              Problem.MALFORMED_BODY,
              prefix + "body sent as '" + contentType + "', expected application/json"));
    }
    JsonNode body;
    try {
      body = JSON.readTree(request.body());
    } catch (IOException e) {
      violations.add(new Violation(Problem.MALFORMED_BODY, prefix + "body is not JSON"));
      return null;
    }
    if (op.bodySchema != null) {
      JsonSchema schema = compiledBodies.computeIfAbsent(op.id, id -> compile(op));
      for (ValidationMessage message : schema.validate(body)) {
        violations.add(new Violation(Problem.INVALID, prefix + "body: " + message.getMessage()));
      }
    } else {
      checkFormFields(op, body, prefix, violations);
    }
    return body;
  }

  /** GitLab's grape API takes a JSON object whose fields are the formData parameters. */
  private void checkFormFields(
      Operation op, JsonNode body, String prefix, List<Violation> violations) {
    if (!body.isObject()) {
      violations.add(new Violation(Problem.INVALID, prefix + "body: expected a JSON object"));
      return;
    }
    for (JsonNode field : op.formData) {
      String fieldName = field.path("name").asText();
      JsonNode value = body.get(fieldName);
      if (value == null) {
        if (field.path("required").asBoolean(false)) {
          violations.add(new Violation(Problem.INVALID, prefix + "required field " + fieldName));
        }
        continue;
      }
      ObjectNode schema = ((ObjectNode) field.deepCopy()).retain("type", "items", "enum", "format");
      JsonSchema compiled =
          schemas.getSchema(
              SchemaLocation.of(documentUri + "/form/" + op.id + "/" + fieldName),
              schema,
              schemaConfig);
      for (ValidationMessage message : compiled.validate(value)) {
        violations.add(
            new Violation(
                Problem.INVALID,
                prefix + "body: " + message.getMessage().replaceFirst("^\\$", "\\$." + fieldName)));
      }
    }
    body.fieldNames()
        .forEachRemaining(
            sent -> {
              if (op.formData.stream().noneMatch(f -> f.path("name").asText().equals(sent))) {
                violations.add(
                    new Violation(
                        Problem.INVALID, prefix + "body: field '" + sent + "' is not declared"));
              }
            });
  }

  private JsonSchema compile(Operation op) {
    JsonNode schema = absoluteRefs(op.bodySchema.deepCopy());
    String location =
        "https://scm-api.cup.test/operations/"
            + URLEncoder.encode(name + "/" + op.id, StandardCharsets.UTF_8)
            + ".json";
    return schemas.getSchema(SchemaLocation.of(location), schema, schemaConfig);
  }

  /** Points every document-local {@code $ref} of a copied schema at the registered document. */
  private JsonNode absoluteRefs(JsonNode node) {
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      JsonNode ref = object.get("$ref");
      if (ref != null && ref.isTextual() && ref.asText().startsWith("#")) {
        object.put("$ref", documentUri + ref.asText());
      }
      object.properties().forEach(e -> absoluteRefs(e.getValue()));
    } else if (node.isArray()) {
      node.forEach(this::absoluteRefs);
    }
    return node;
  }

  /** Follows a document-local {@code $ref} (parameters, request bodies), if the node is one. */
  private JsonNode resolve(JsonNode node) {
    int hops = 0;
    while (node.has("$ref") && hops++ < 16) {
      String ref = node.get("$ref").asText();
      if (!ref.startsWith("#/")) {
        throw new IllegalStateException(name + ": unsupported $ref " + ref);
      }
      JsonNode target = document.at(ref.substring(1));
      if (target.isMissingNode()) {
        throw new IllegalStateException(name + ": unresolved $ref " + ref);
      }
      node = target;
    }
    return node;
  }

  private List<Operation> readOperations() {
    List<Operation> found = new ArrayList<>();
    document
        .path("paths")
        .properties()
        .forEach(
            pathItem -> {
              String template = pathItem.getKey();
              JsonNode item = pathItem.getValue();
              item.properties().stream()
                  .filter(e -> METHODS.contains(e.getKey()))
                  .forEach(e -> found.add(operation(template, item, e.getKey(), e.getValue())));
            });
    // a template with more literal text wins over one that would also match with a parameter
    found.sort(Comparator.comparingInt(Operation::literalLength).reversed());
    return List.copyOf(found);
  }

  private Operation operation(String template, JsonNode item, String method, JsonNode node) {
    Map<String, JsonNode> byKey = new TreeMap<>();
    for (JsonNode p : item.path("parameters")) {
      JsonNode resolved = resolve(p);
      byKey.put(resolved.path("in").asText() + ":" + resolved.path("name").asText(), resolved);
    }
    for (JsonNode p : node.path("parameters")) {
      JsonNode resolved = resolve(p);
      byKey.put(resolved.path("in").asText() + ":" + resolved.path("name").asText(), resolved);
    }
    List<JsonNode> parameters = List.copyOf(byKey.values());
    JsonNode bodySchema = null;
    boolean bodyRequired = false;
    List<JsonNode> formData = new ArrayList<>();
    if (format == Format.OPENAPI_30) {
      JsonNode requestBody = node.has("requestBody") ? resolve(node.get("requestBody")) : null;
      if (requestBody != null) {
        bodyRequired = requestBody.path("required").asBoolean(false);
        JsonNode json = requestBody.path("content").path("application/json");
        bodySchema = json.isMissingNode() ? null : json.path("schema");
      }
    } else {
      for (JsonNode p : parameters) {
        if ("body".equals(p.path("in").asText())) {
          bodySchema = p.path("schema");
          bodyRequired = p.path("required").asBoolean(false);
        } else if ("formData".equals(p.path("in").asText())) {
          formData.add(p);
        }
      }
    }
    List<String> names = new ArrayList<>();
    StringBuilder regex = new StringBuilder();
    Matcher m = TEMPLATE_PARAMETER.matcher(template);
    int last = 0;
    int literal = 0;
    while (m.find()) {
      regex.append(Pattern.quote(template.substring(last, m.start()))).append("([^/]+)");
      literal += m.start() - last;
      names.add(m.group(1));
      last = m.end();
    }
    regex.append(Pattern.quote(template.substring(last)));
    literal += template.length() - last;
    return new Operation(
        node.path("operationId").asText(method + " " + template),
        method.toUpperCase(Locale.ROOT),
        template,
        Pattern.compile(regex.toString()),
        literal,
        List.copyOf(names),
        node,
        parameters,
        bodySchema,
        bodyRequired,
        List.copyOf(formData));
  }

  private Operation operation(String operationId) {
    return operations.stream()
        .filter(op -> op.id.equals(operationId))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(name + " has no operation " + operationId));
  }

  private static Map<String, List<String>> parseQuery(String rawQuery) {
    Map<String, List<String>> query = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return query;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decodeQuery(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decodeQuery(pair.substring(eq + 1));
      query.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return query;
  }

  private static String decodeQuery(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  /** Percent-decodes a path segment ({@code +} stays a plus sign). */
  private static String decode(String segment) {
    return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private record Operation(
      String id,
      String method,
      String template,
      Pattern pattern,
      int literalLength,
      List<String> pathParameterNames,
      JsonNode node,
      List<JsonNode> parameters,
      JsonNode bodySchema,
      boolean bodyRequired,
      List<JsonNode> formData) {}
}
