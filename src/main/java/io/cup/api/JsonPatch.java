package io.cup.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cup.status.StatusException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * JSON Patch (RFC 6902) with JSON Pointers (RFC 6901), applied in place on a Jackson tree, one
 * operation after the other, with the limits the Kubernetes API server puts on it:
 *
 * <ul>
 *   <li>at most {@value #MAX_OPERATIONS} operations (413, as Kubernetes);
 *   <li>the values {@code copy} operations add count against a budget of the resource limit
 *       (Kubernetes' {@code AccumulatedCopySizeLimit}), checked as each copy applies, so a patch
 *       that doubles the resource again and again stops at the first copy over the budget (413)
 *       instead of building a tree of gigabytes.
 * </ul>
 *
 * <p>A patch that is not an array of operations of the RFC's shape (an unknown {@code op}, a
 * missing member, a {@code path} that is not a JSON Pointer: no leading {@code /}, a {@code ~} not
 * followed by {@code 0} or {@code 1}) is 400; an operation that cannot apply (a missing target, an
 * array index that is not a canonical index in range, {@code remove} of nothing, a failed {@code
 * test}) is 422. Both name the operation's index. zjsonpatch, used before, answered several of
 * these with a 500 (an index such as {@code 01} or {@code 99999999999}) or not at all ({@code
 * remove} of a missing path), and offered no place to count copies as they apply.
 */
final class JsonPatch {
  /** Kubernetes' limit on the operations of one JSON Patch. */
  static final int MAX_OPERATIONS = 10_000;

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> OPS = Set.of("add", "remove", "replace", "move", "copy", "test");

  private JsonPatch() {}

  /** One parsed operation. */
  private record Operation(
      int index, String op, List<String> path, List<String> from, JsonNode value) {}

  /**
   * {@code document} with {@code patch} applied; the document may be changed in place, use the
   * answer.
   *
   * @param copyBudget how many bytes (encoded) {@code copy} operations may add together
   */
  static JsonNode apply(JsonNode document, JsonNode patch, long copyBudget) {
    List<Operation> operations = parse(patch);
    long copied = 0;
    JsonNode root = document;
    for (Operation operation : operations) {
      switch (operation.op()) {
        case "add" -> root = add(root, operation, operation.path(), operation.value().deepCopy());
        case "remove" -> root = remove(root, operation, operation.path());
        case "replace" -> {
          resolve(root, operation, operation.path());
          root = remove(root, operation, operation.path());
          root = add(root, operation, operation.path(), operation.value().deepCopy());
        }
        case "move" -> {
          if (isProperPrefix(operation.from(), operation.path())) {
            throw unprocessable(operation, "cannot move a value into itself");
          }
          JsonNode value = resolve(root, operation, operation.from());
          root = remove(root, operation, operation.from());
          root = add(root, operation, operation.path(), value);
        }
        case "copy" -> {
          JsonNode value = resolve(root, operation, operation.from());
          copied += encodedSize(value, copyBudget - copied);
          if (copied > copyBudget) {
            throw StatusException.tooLarge(
                "the JSON Patch copies more than the limit of "
                    + copyBudget
                    + " bytes (operation "
                    + operation.index()
                    + "); a resource may hold at most "
                    + copyBudget
                    + " bytes");
          }
          root = add(root, operation, operation.path(), value.deepCopy());
        }
        case "test" -> {
          JsonNode value = resolve(root, operation, operation.path());
          if (!value.equals(NUMERIC, operation.value())) {
            throw unprocessable(
                operation, "test failed: the value at " + pointer(operation.path()) + " differs");
          }
        }
        default -> throw new IllegalStateException(operation.op());
      }
    }
    return root;
  }

  // -- parsing ----------------------------------------------------------------------------------

  private static List<Operation> parse(JsonNode patch) {
    if (!patch.isArray()) {
      throw StatusException.badRequest(
          "a JSON Patch (application/json-patch+json) must be an array of operations");
    }
    if (patch.size() > MAX_OPERATIONS) {
      throw StatusException.tooLarge(
          "the allowed maximum operations in a JSON Patch is "
              + MAX_OPERATIONS
              + ", got "
              + patch.size());
    }
    List<Operation> operations = new ArrayList<>(patch.size());
    for (int i = 0; i < patch.size(); i++) {
      JsonNode node = patch.get(i);
      if (!node.isObject()) {
        throw invalid(i, "must be an object with op and path");
      }
      JsonNode op = node.get("op");
      if (op == null || !op.isTextual() || !OPS.contains(op.asText())) {
        throw invalid(i, "op must be one of add, remove, replace, move, copy, test");
      }
      String name = op.asText();
      List<String> path = pointer(i, "path", node.get("path"));
      List<String> from =
          name.equals("move") || name.equals("copy") ? pointer(i, "from", node.get("from")) : null;
      JsonNode value = node.get("value");
      if (value == null && (name.equals("add") || name.equals("replace") || name.equals("test"))) {
        throw invalid(i, name + " needs a value");
      }
      operations.add(new Operation(i, name, path, from, value));
    }
    return operations;
  }

  /** The reference tokens of a JSON Pointer (RFC 6901 section 3), unescaped; 400 when not one. */
  private static List<String> pointer(int index, String member, JsonNode node) {
    if (node == null || !node.isTextual()) {
      throw invalid(index, member + " must be a JSON Pointer string");
    }
    String text = node.asText();
    if (text.isEmpty()) {
      return List.of();
    }
    if (text.charAt(0) != '/') {
      throw invalid(
          index, member + " \"" + text + "\" is not a JSON Pointer: it must start with /");
    }
    List<String> tokens = new ArrayList<>();
    StringBuilder token = new StringBuilder();
    for (int i = 1; i <= text.length(); i++) {
      char c = i < text.length() ? text.charAt(i) : '/';
      if (c == '/') {
        tokens.add(token.toString());
        token.setLength(0);
      } else if (c == '~') {
        char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
        if (next != '0' && next != '1') {
          throw invalid(
              index,
              member + " \"" + text + "\" is not a JSON Pointer: ~ must be followed by 0 or 1");
        }
        token.append(next == '0' ? '~' : '/');
        i++;
      } else {
        token.append(c);
      }
    }
    return tokens;
  }

  // -- applying ---------------------------------------------------------------------------------

  /** The value at {@code path}; 422 when there is none. */
  private static JsonNode resolve(JsonNode root, Operation operation, List<String> path) {
    JsonNode node = root;
    for (int i = 0; i < path.size(); i++) {
      node = child(node, operation, path, i, false);
    }
    return node;
  }

  /** The container {@code path}'s last token is looked up in. */
  private static JsonNode parent(JsonNode root, Operation operation, List<String> path) {
    return resolve(root, operation, path.subList(0, path.size() - 1));
  }

  private static JsonNode child(
      JsonNode node, Operation operation, List<String> path, int depth, boolean insert) {
    String token = path.get(depth);
    if (node instanceof ObjectNode object) {
      JsonNode child = object.get(token);
      if (child == null) {
        throw missing(operation, path, depth);
      }
      return child;
    }
    if (node instanceof ArrayNode array) {
      return array.get(index(array, operation, path, depth, insert));
    }
    throw notContainer(operation, path.subList(0, depth + 1));
  }

  /**
   * The array index a token names: a canonical decimal ({@code 0}, or no leading zero) below the
   * size (up to the size when inserting); 422 otherwise.
   */
  private static int index(
      ArrayNode array, Operation operation, List<String> path, int depth, boolean insert) {
    String token = path.get(depth);
    boolean canonical =
        !token.isEmpty()
            && token.chars().allMatch(c -> c >= '0' && c <= '9')
            && (token.length() == 1 || token.charAt(0) != '0');
    long index = !canonical ? -1 : token.length() > 9 ? Long.MAX_VALUE : Long.parseLong(token);
    long bound = insert ? array.size() : array.size() - 1L;
    if (!canonical || index > bound) {
      throw unprocessable(
          operation,
          pointer(path.subList(0, depth + 1))
              + ": \""
              + token
              + "\" is not an index of the array of "
              + array.size()
              + (canonical ? "" : " (an index is a decimal number without leading zeros)"));
    }
    return (int) index;
  }

  private static JsonNode add(
      JsonNode root, Operation operation, List<String> path, JsonNode value) {
    if (path.isEmpty()) {
      return value;
    }
    JsonNode parent = parent(root, operation, path);
    String last = path.get(path.size() - 1);
    if (parent instanceof ObjectNode object) {
      object.set(last, value);
    } else if (parent instanceof ArrayNode array) {
      if (last.equals("-")) {
        array.add(value);
      } else {
        array.insert(index(array, operation, path, path.size() - 1, true), value);
      }
    } else {
      throw notContainer(operation, path);
    }
    return root;
  }

  private static JsonNode remove(JsonNode root, Operation operation, List<String> path) {
    if (path.isEmpty()) {
      if (operation.op().equals("replace")) {
        return null; // the add that follows sets the new root
      }
      throw unprocessable(operation, "cannot remove the whole resource");
    }
    JsonNode parent = parent(root, operation, path);
    String last = path.get(path.size() - 1);
    if (parent instanceof ObjectNode object) {
      if (object.remove(last) == null) {
        throw missing(operation, path, path.size() - 1);
      }
    } else if (parent instanceof ArrayNode array) {
      array.remove(index(array, operation, path, path.size() - 1, false));
    } else {
      throw notContainer(operation, path);
    }
    return root;
  }

  private static boolean isProperPrefix(List<String> prefix, List<String> path) {
    return prefix.size() < path.size() && path.subList(0, prefix.size()).equals(prefix);
  }

  /** RFC 6902 section 4.6: numbers are equal when their values are. */
  private static final Comparator<JsonNode> NUMERIC =
      (a, b) -> {
        if (a.equals(b)) {
          return 0;
        }
        if (a.isNumber() && b.isNumber()) {
          return a.decimalValue().compareTo(b.decimalValue());
        }
        return 1;
      };

  /**
   * The encoded size of {@code value}, counted while writing it nowhere and stopped once past
   * {@code limit} (the answer is then above the limit, not the size).
   */
  static long encodedSize(JsonNode value, long limit) {
    CountingOutput out = new CountingOutput(limit);
    try {
      MAPPER.writeValue(out, value);
    } catch (LimitPassed e) {
      return out.count;
    } catch (IOException e) {
      throw StatusException.internal("cannot measure a JSON value", e);
    }
    return out.count;
  }

  private static final class LimitPassed extends IOException {
    LimitPassed() {
      super("limit passed", null);
    }
  }

  private static final class CountingOutput extends OutputStream {
    private final long limit;
    private long count;

    CountingOutput(long limit) {
      this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
      add(1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      add(len);
    }

    private void add(long n) throws LimitPassed {
      count += n;
      if (count > limit) {
        throw new LimitPassed();
      }
    }
  }

  // -- errors -----------------------------------------------------------------------------------

  private static String pointer(List<String> tokens) {
    StringBuilder text = new StringBuilder();
    for (String token : tokens) {
      text.append('/').append(token.replace("~", "~0").replace("/", "~1"));
    }
    return text.length() == 0 ? "(the root)" : text.toString();
  }

  private static StatusException invalid(int index, String why) {
    return StatusException.badRequest(
        "the JSON Patch is not valid: operation " + index + ": " + why);
  }

  private static StatusException unprocessable(Operation operation, String why) {
    return StatusException.unprocessable(
        "the JSON Patch cannot be applied: operation "
            + operation.index()
            + " ("
            + operation.op()
            + "): "
            + why);
  }

  /** Nothing at {@code path} up to {@code depth} (RFC 6902: the target location must exist). */
  private static StatusException missing(Operation operation, List<String> path, int depth) {
    return unprocessable(
        operation,
        "no value at "
            + pointer(path.subList(0, depth + 1))
            + (depth + 1 < path.size() ? " (on the way to " + pointer(path) + ")" : ""));
  }

  /** The parent of {@code path} is a string, number, boolean or null: nothing can be in it. */
  private static StatusException notContainer(Operation operation, List<String> path) {
    return unprocessable(
        operation,
        pointer(path.subList(0, path.size() - 1))
            + " is neither an object nor an array: "
            + pointer(path)
            + " cannot be in it");
  }
}
