package io.cup.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds and parses the files of a resource configuration directory into {@link
 * ConfigurationDocument}s: JSON (one object, duplicate keys refused) or YAML (one object per
 * document). What the objects mean is {@link ResourceConfigurationLoader}'s business. Blocking
 * (file I/O).
 */
final class ConfigurationFiles {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private ConfigurationFiles() {}

  /**
   * The configuration files of {@code dir}: its {@code *.json}, {@code *.yaml} and {@code *.yml}
   * files (not those of subdirectories), in name order.
   */
  static List<Path> list(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(Files::isRegularFile)
          .filter(
              p -> {
                String name = p.getFileName().toString();
                return name.endsWith(".json") || name.endsWith(".yaml") || name.endsWith(".yml");
              })
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new ConfigurationException(dir + ": cannot list: " + e.getMessage(), e);
    }
  }

  /**
   * The objects of {@code file}: one JSON object, or one per YAML document.
   *
   * @throws ConfigurationException naming the file (and document) that cannot be read, does not
   *     parse, is empty or holds something other than objects
   */
  static List<ConfigurationDocument> read(Path file) {
    String name = file.toString();
    List<JsonNode> nodes = new ArrayList<>();
    try {
      byte[] bytes = Files.readAllBytes(file);
      if (name.endsWith(".json")) {
        nodes.add(JSON.readTree(bytes));
      } else {
        // One node per YAML document; a document that is a list stays one (non-object) node.
        try (JsonParser parser = YAML.getFactory().createParser(bytes)) {
          while (parser.nextToken() != null) {
            nodes.add(YAML.readTree(parser));
          }
        }
      }
    } catch (JsonProcessingException e) {
      throw new ConfigurationException(name + ": " + ParseErrors.describe(e), e);
    } catch (IOException e) {
      throw new ConfigurationException(name + ": cannot read: " + e.getMessage(), e);
    }
    nodes.removeIf(node -> node == null || node.isMissingNode() || node.isNull());
    if (nodes.isEmpty()) {
      throw new ConfigurationException(
          name + ": empty: expected a " + String.join(", ", ResourceConfigurationLoader.KINDS));
    }
    List<ConfigurationDocument> documents = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      String where = nodes.size() == 1 ? name : name + " (document " + (i + 1) + ")";
      JsonNode node = nodes.get(i);
      if (!node.isObject()) {
        throw new ConfigurationException(
            where + ": expected an object, found " + ParseErrors.kind(node));
      }
      documents.add(new ConfigurationDocument(where, (ObjectNode) node));
    }
    return documents;
  }
}
