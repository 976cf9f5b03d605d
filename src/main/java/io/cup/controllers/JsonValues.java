package io.cup.controllers;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Equality of parsed JSON values as a reader means it: object key order is ignored and numbers
 * compare by value ({@code 1}, {@code 1L} and {@code 1.0} are equal), whatever Java types the JSON
 * decoder happened to choose.
 */
public final class JsonValues {
  private JsonValues() {}

  public static boolean equal(Object a, Object b) {
    a = unwrap(a);
    b = unwrap(b);
    if (a == null || b == null) {
      return a == b;
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : x.entrySet()) {
        if (!y.containsKey(e.getKey()) || !equal(e.getValue(), y.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!equal(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Number x && b instanceof Number y) {
      if (!finite(x) || !finite(y)) {
        return x.doubleValue() == y.doubleValue();
      }
      return decimal(x).compareTo(decimal(y)) == 0;
    }
    return a.equals(b);
  }

  private static Object unwrap(Object value) {
    if (value instanceof JsonObject o) {
      return o.getMap();
    }
    if (value instanceof JsonArray a) {
      return a.getList();
    }
    return value;
  }

  private static boolean finite(Number n) {
    return !(n instanceof Double || n instanceof Float) || Double.isFinite(n.doubleValue());
  }

  private static BigDecimal decimal(Number n) {
    if (n instanceof BigDecimal d) {
      return d;
    }
    if (n instanceof BigInteger i) {
      return new BigDecimal(i);
    }
    if (n instanceof Double || n instanceof Float) {
      return BigDecimal.valueOf(n.doubleValue());
    }
    return BigDecimal.valueOf(n.longValue());
  }
}
