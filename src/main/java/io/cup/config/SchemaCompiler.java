package io.cup.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaException;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion.VersionFlag;
import com.networknt.schema.ValidationMessage;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Compiles the JSON Schemas of resource definitions ({@code spec.versions.<version>}): each is
 * checked against its meta-schema first, JSON Schema draft 2020-12 unless its {@code $schema} names
 * draft 2019-09, 7, 6 or 4, and compiled with every {@code $ref} resolved, so a broken schema fails
 * at startup rather than on a request. A schema may {@code $ref} only into itself: remote schemas
 * are never fetched.
 */
final class SchemaCompiler {
  /**
   * Schemas compiled here validate resources: messages in English whatever the host locale, and
   * instance locations as {@code $.spec.enabled}.
   */
  private static final SchemaValidatorsConfig SCHEMA_CONFIG =
      SchemaValidatorsConfig.builder().locale(Locale.ENGLISH).pathType(PathType.LEGACY).build();

  private static final Map<VersionFlag, String> META_SCHEMA_IDS = metaSchemaIds();
  // Process-wide caches of the built-in meta-schemas and their factories: immutable once made,
  // shared by every load in the process, holding nothing of a load.
  private static final Map<VersionFlag, JsonSchemaFactory> FACTORIES =
      Collections.synchronizedMap(new EnumMap<>(VersionFlag.class));
  private static final Map<VersionFlag, JsonSchema> META_SCHEMAS =
      Collections.synchronizedMap(new EnumMap<>(VersionFlag.class));

  private SchemaCompiler() {}

  /**
   * Checks {@code schema}, the JSON Schema at {@code field} of {@code doc}, against its meta-schema
   * and compiles it with every {@code $ref} resolved.
   *
   * @throws ConfigurationException naming the document and field when it is invalid
   */
  static JsonSchema compile(ConfigurationDocument doc, String field, ObjectNode schema) {
    VersionFlag version = specVersion(doc, field, schema);
    // The canonical meta-schema id lets the factory find its built-in copy of the meta-schema
    // whichever spelling (http or https, with or without '#') the file used.
    ObjectNode canonical = schema.deepCopy();
    if (canonical.has("$schema")) {
      canonical.put("$schema", META_SCHEMA_IDS.get(version));
    }
    Set<ValidationMessage> problems = metaSchema(version).validate(canonical);
    if (!problems.isEmpty()) {
      throw doc.error(field, "schema invalid: " + describe(problems));
    }
    try {
      JsonSchema compiled = factory(version).getSchema(canonical, SCHEMA_CONFIG);
      // Resolve every $ref now, so a broken reference fails at startup, not on a request.
      compiled.initializeValidators();
      return compiled;
    } catch (JsonSchemaException e) {
      throw doc.error(field, "schema invalid: " + e.getMessage());
    } catch (RuntimeException e) {
      throw doc.error(field, "schema invalid: " + e);
    }
  }

  private static VersionFlag specVersion(ConfigurationDocument doc, String field, JsonNode schema) {
    JsonNode declared = schema.path("$schema");
    if (declared.isMissingNode()) {
      return VersionFlag.V202012;
    }
    if (!declared.isTextual()) {
      throw doc.error(field + ".$schema", "expected a string, found " + ParseErrors.kind(declared));
    }
    String normalized = declared.asText().trim().replaceFirst("^http://", "https://");
    normalized = normalized.replaceAll("#$", "").replaceAll("/$", "");
    for (Map.Entry<VersionFlag, String> entry : META_SCHEMA_IDS.entrySet()) {
      String id = entry.getValue().replaceFirst("^http://", "https://").replaceAll("#$", "");
      if (id.equals(normalized)) {
        return entry.getKey();
      }
    }
    throw doc.error(
        field + ".$schema",
        "unsupported meta-schema \""
            + declared.asText()
            + "\" (supported: draft 2020-12, 2019-09, 7, 6, 4)");
  }

  private static Map<VersionFlag, String> metaSchemaIds() {
    Map<VersionFlag, String> ids = new EnumMap<>(VersionFlag.class);
    ids.put(VersionFlag.V202012, SchemaId.V202012);
    ids.put(VersionFlag.V201909, SchemaId.V201909);
    ids.put(VersionFlag.V7, SchemaId.V7);
    ids.put(VersionFlag.V6, SchemaId.V6);
    ids.put(VersionFlag.V4, SchemaId.V4);
    return Collections.unmodifiableMap(ids);
  }

  /** Makes the default version's factory and meta-schema, kept for the process; never throws. */
  static void prepare() {
    try {
      metaSchema(VersionFlag.V202012);
    } catch (RuntimeException e) {
      // the first load makes it again and reports what fails
    }
  }

  private static JsonSchemaFactory factory(VersionFlag version) {
    return FACTORIES.computeIfAbsent(
        version,
        v ->
            JsonSchemaFactory.getInstance(
                v, builder -> builder.schemaLoaders(loaders -> loaders.add(LocalSchemas::load))));
  }

  private static JsonSchema metaSchema(VersionFlag version) {
    return META_SCHEMAS.computeIfAbsent(
        version,
        v -> factory(v).getSchema(SchemaLocation.of(META_SCHEMA_IDS.get(v)), SCHEMA_CONFIG));
  }

  private static String describe(Set<ValidationMessage> problems) {
    return problems.stream()
        .map(ValidationMessage::getMessage)
        .distinct()
        .sorted()
        .collect(Collectors.joining("; "));
  }

  /** Lets the built-in meta-schemas load from the classpath and refuses everything else. */
  private static final class LocalSchemas {
    private LocalSchemas() {}

    static com.networknt.schema.resource.InputStreamSource load(
        com.networknt.schema.AbsoluteIri iri) {
      String scheme = iri.getScheme();
      if ("classpath".equals(scheme) || "resource".equals(scheme)) {
        return null;
      }
      throw new JsonSchemaException(
          "$ref \"" + iri + "\" is not loaded: Cup never fetches schemas; put it under $defs");
    }
  }
}
