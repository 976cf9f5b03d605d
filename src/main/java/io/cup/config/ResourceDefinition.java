package io.cup.config;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * A {@code ResourceDefinition} of the original Cup: {@code names.{kind,singular,plural}}, {@code
 * spec.group}, {@code spec.versions.<version>} = JSON Schema of the whole resource; and, as a
 * CRD's, the optional {@code names.shortNames}, {@code names.categories} and {@code
 * spec.additionalPrinterColumns} (one list for every version, since a version is its schema).
 *
 * @param name {@code metadata.name}
 * @param versions version → JSON Schema, in file order
 * @param shortNames {@code names.shortNames}: other names {@code kubectl get} accepts ({@code fl})
 * @param categories {@code names.categories}: groupings {@code kubectl get <category>} lists
 * @param printerColumns {@code spec.additionalPrinterColumns}: the Table's columns between NAME and
 *     AGE
 * @param raw the object as loaded (what {@code GET /apis} shows)
 * @param file the file it came from
 */
public record ResourceDefinition(
    String name,
    String group,
    String kind,
    String singular,
    String plural,
    Map<String, JsonObject> versions,
    List<String> shortNames,
    List<String> categories,
    List<PrinterColumn> printerColumns,
    JsonObject raw,
    String file) {

  public ResourceDefinition {
    shortNames = List.copyOf(shortNames);
    categories = List.copyOf(categories);
    printerColumns = List.copyOf(printerColumns);
  }

  /** A definition without short names, categories or printer columns. */
  public ResourceDefinition(
      String name,
      String group,
      String kind,
      String singular,
      String plural,
      Map<String, JsonObject> versions,
      JsonObject raw,
      String file) {
    this(name, group, kind, singular, plural, versions, List.of(), List.of(), List.of(), raw, file);
  }

  /** {@code <group>/<version>/<plural>}, the key of {@code GET /apis} and of bindings. */
  public String key(String version) {
    return group + "/" + version + "/" + plural;
  }

  public String apiVersion(String version) {
    return group + "/" + version;
  }
}
