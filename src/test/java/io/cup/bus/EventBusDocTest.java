package io.cup.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/event-bus.md} is the contract for other services on the bus; this test keeps it in
 * step with {@link Addresses} and the records: every address is documented with its request and
 * reply (or event) record, no address is documented that does not exist, and every record on the
 * bus has a field table naming exactly the JSON fields it writes. Each failure names what the page
 * lacks or has extra.
 */
class EventBusDocTest {
  private static final Path DOC = Path.of("docs/event-bus.md");
  private static final Pattern ADDRESS = Pattern.compile("`(cup\\.[a-z.-]+)`");
  private static final Pattern TICKED = Pattern.compile("`([^`]+)`");

  /** What the code says: address → {request, reply} or {event}. */
  private static final Map<String, List<Class<?>>> CODE = new LinkedHashMap<>();

  private static List<String> lines;

  @BeforeAll
  static void read() throws IOException, IllegalAccessException {
    lines = Files.readAllLines(DOC);
    for (Field field : Addresses.class.getFields()) {
      if (!Modifier.isStatic(field.getModifiers())) {
        continue;
      }
      Object value = field.get(null);
      if (value instanceof BusAddress<?, ?> address) {
        CODE.put(address.name(), List.of(address.requestType(), address.replyType()));
      } else if (value instanceof EventAddress<?> address) {
        CODE.put(address.name(), List.of(address.type()));
      }
    }
  }

  @Test
  void everyAddressIsDocumentedWithItsRecords() {
    Map<String, List<String>> documented = documentedAddresses();
    List<String> problems = new ArrayList<>();
    CODE.forEach(
        (name, types) -> {
          List<String> cells = documented.get(name);
          if (cells == null) {
            problems.add(name + " is not in " + DOC);
            return;
          }
          for (int i = 0; i < types.size(); i++) {
            String shown = shown(types.get(i));
            String cell = i < cells.size() ? cells.get(i) : "";
            if (!cell.contains(shown)) {
              problems.add(
                  name
                      + ": the "
                      + (types.size() == 1 ? "event" : i == 0 ? "request" : "reply")
                      + " column should name "
                      + shown
                      + " (says: "
                      + cell.strip()
                      + ")");
            }
          }
        });
    documented.keySet().stream()
        .filter(name -> !CODE.containsKey(name))
        .forEach(name -> problems.add(DOC + " documents " + name + ", which Addresses lacks"));
    assertThat(problems).as("docs/event-bus.md against io.cup.bus.Addresses").isEmpty();
  }

  @Test
  void everyRecordOnTheBusHasATableOfItsFields() throws Exception {
    Set<Class<?>> records = new LinkedHashSet<>();
    CODE.values().forEach(records::addAll);
    records.remove(Empty.class);
    List<String> problems = new ArrayList<>();
    for (Class<?> type : records) {
      Set<String> documented = fieldTable(type.getSimpleName());
      if (documented == null) {
        problems.add(
            "`"
                + type.getSimpleName()
                + "`: has no field table (a line \"`"
                + type.getSimpleName()
                + "`:\" followed by a table)");
        continue;
      }
      Set<String> written = new TreeSet<>(((BusMessage) sample(type)).toJson().fieldNames());
      Set<String> missing = new TreeSet<>(written);
      missing.removeAll(documented);
      Set<String> extra = new TreeSet<>(documented);
      extra.removeAll(written);
      if (!missing.isEmpty()) {
        problems.add("`" + type.getSimpleName() + "`: the table lacks " + missing);
      }
      if (!extra.isEmpty()) {
        problems.add("`" + type.getSimpleName() + "`: the table has extra " + extra);
      }
    }
    assertThat(problems).as("field tables of docs/event-bus.md against the records").isEmpty();
  }

  /** How a table cell names a record: its simple name in backticks; the empty body as {}. */
  private static String shown(Class<?> type) {
    return type == Empty.class ? "`{}`" : "`" + type.getSimpleName() + "`";
  }

  /** Every table row whose first cell names addresses: address → the other cells. */
  private static Map<String, List<String>> documentedAddresses() {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (String line : lines) {
      if (!line.startsWith("|")) {
        continue;
      }
      List<String> cells = cells(line);
      if (cells.isEmpty()) {
        continue;
      }
      Matcher m = ADDRESS.matcher(cells.get(0));
      while (m.find()) {
        rows.put(m.group(1), cells.subList(1, cells.size()));
      }
    }
    return rows;
  }

  /**
   * The top-level fields the table after the line {@code `name`:} lists (first column, names in
   * backticks; {@code a.b} and {@code a[]} count as {@code a}); null without such a table.
   */
  private static Set<String> fieldTable(String name) {
    int at = lines.indexOf("`" + name + "`:");
    if (at < 0) {
      return null;
    }
    int i = at + 1;
    while (i < lines.size() && lines.get(i).isBlank()) {
      i++;
    }
    Set<String> fields = new TreeSet<>();
    int row = 0;
    for (; i < lines.size() && lines.get(i).startsWith("|"); i++, row++) {
      if (row < 2) {
        continue; // header and separator
      }
      Matcher m = TICKED.matcher(cells(lines.get(i)).get(0));
      while (m.find()) {
        fields.add(m.group(1).split("[.\\[]", 2)[0]);
      }
    }
    return row == 0 ? null : fields;
  }

  /** The cells of a table row; {@code \|} inside a cell does not split it. */
  private static List<String> cells(String line) {
    List<String> cells = new ArrayList<>();
    for (String cell : line.substring(1).split("(?<!\\\\)\\|", -1)) {
      cells.add(cell);
    }
    if (!cells.isEmpty() && cells.get(cells.size() - 1).isBlank()) {
      cells.remove(cells.size() - 1);
    }
    return cells;
  }

  /** An instance of a record with every component set (none null), so toJson writes every field. */
  private static Object sample(Class<?> type) throws Exception {
    if (type == String.class) {
      return "x";
    }
    if (type == boolean.class || type == Boolean.class) {
      return true;
    }
    if (type == long.class || type == Long.class) {
      return 1L;
    }
    if (type == int.class || type == Integer.class) {
      return 1;
    }
    if (type == byte[].class) {
      return new byte[] {1};
    }
    if (type == JsonObject.class) {
      return new JsonObject();
    }
    if (type == JsonArray.class) {
      return new JsonArray();
    }
    if (type == List.class) {
      return List.of();
    }
    if (type.isEnum()) {
      return type.getEnumConstants()[0];
    }
    if (type.isRecord()) {
      RecordComponent[] components = type.getRecordComponents();
      Class<?>[] types = new Class<?>[components.length];
      Object[] values = new Object[components.length];
      for (int i = 0; i < components.length; i++) {
        types[i] = components[i].getType();
        values[i] = sample(types[i]);
      }
      Constructor<?> canonical = type.getDeclaredConstructor(types);
      return canonical.newInstance(values);
    }
    throw new IllegalArgumentException("no sample for " + type);
  }
}
