package io.cup.api;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Content negotiation: which offered media type an {@code Accept} header prefers (RFC 9110). */
final class MediaTypes {
  static final String JSON = "application/json";
  static final String NDJSON = "application/x-ndjson";
  static final String DIFF = "text/x-diff";
  static final String TEXT = "text/plain";
  static final String EVENT_STREAM = "text/event-stream";
  static final String MERGE_PATCH = "application/merge-patch+json";
  static final String JSON_PATCH = "application/json-patch+json";

  /** The {@code as} parameter that asks for the original Cup's write answer by name. */
  static final String WRITE_RESULT = "WriteResult";

  private MediaTypes() {}

  /**
   * The {@code Accept} header to negotiate with. A request without one is answered as the original
   * Cup answered it (its Go client sends none), unless its {@code User-Agent} names a Kubernetes
   * client: a product token containing {@code kubernetes}, as fabric8's ({@code
   * fabric8-kubernetes-client/7.9.0}, which sends no {@code Accept}) and client-go's ({@code
   * kubectl/v1.33.0 (linux/amd64) kubernetes/abc1234}) do. Such a request is read as {@code Accept:
   * application/json}, what Kubernetes assumes of a request that names no type.
   */
  static String accept(HttpServerRequest request) {
    String accept = request.getHeader(HttpHeaders.ACCEPT);
    if ((accept == null || accept.isBlank())
        && isKubernetesClient(request.getHeader(HttpHeaders.USER_AGENT))) {
      return JSON;
    }
    return accept;
  }

  /** Whether a {@code User-Agent} has a product token (before its {@code /}) naming kubernetes. */
  static boolean isKubernetesClient(String userAgent) {
    if (userAgent == null) {
      return false;
    }
    for (String token : userAgent.split("\\s+")) {
      int slash = token.indexOf('/');
      String product = slash < 0 ? token : token.substring(0, slash);
      if (!product.startsWith("(") && product.toLowerCase(Locale.ROOT).contains("kubernetes")) {
        return true;
      }
    }
    return false;
  }

  /**
   * A representation of a resource other than itself, as Kubernetes names them in {@code Accept}:
   * {@code application/json;as=Table;g=meta.k8s.io;v=v1}. {@code group} and {@code version} may be
   * null when the client left them out.
   */
  record Representation(String as, String group, String version) {
    boolean is(String as, String group) {
      return this.as.equals(as) && (this.group == null || this.group.equals(group));
    }
  }

  /**
   * Whether a request asks for Kubernetes' shapes (docs/kubernetes-clients.md): its {@code Accept}
   * names {@code application/json}, {@code application/yaml} or Kubernetes' protobuf explicitly,
   * with a quality above 0, and not as the original's write answer ({@code as=WriteResult}). No
   * header, {@code *}{@code /*} and {@code application/*} keep the original Cup's shapes: its Go
   * client sends no {@code Accept}, curl sends {@code *}{@code /*}.
   */
  static boolean asksForKubernetes(String accept) {
    if (accept == null || accept.isBlank()) {
      return false;
    }
    for (Range range : parseAccept(accept)) {
      if (range.q() > 0 && range.isExplicitKubernetesType()) {
        Representation representation = range.representation();
        return representation == null || !representation.is(WRITE_RESULT, ProposalView.GROUP);
      }
    }
    return false;
  }

  /**
   * The representations the {@code Accept} header asks for with {@code as=}, in the header's order
   * (Kubernetes clients list them by preference and end with plain {@code application/json}).
   */
  static List<Representation> representations(String accept) {
    List<Representation> asked = new ArrayList<>();
    if (accept == null || accept.isBlank()) {
      return asked;
    }
    for (Range range : parseAccept(accept)) {
      if (range.q() > 0 && range.representation() != null) {
        asked.add(range.representation());
      }
    }
    return asked;
  }

  /**
   * One media range of an {@code Accept} header, with its parameters other than {@code q} (names in
   * lower case): Kubernetes clients name a representation with {@code as}, {@code g} and {@code v}.
   */
  record Range(String type, String subtype, double q, Map<String, String> params) {
    /**
     * {@code application/json} (or YAML, or Kubernetes' protobuf) named as such, not by a wildcard.
     */
    boolean isExplicitKubernetesType() {
      return type.equals("application")
          && (subtype.equals("json")
              || subtype.equals("yaml")
              || subtype.equals("vnd.kubernetes.protobuf"));
    }

    /** The representation named by {@code as}, {@code g} and {@code v}, or null when none. */
    Representation representation() {
      String as = params.get("as");
      return as == null ? null : new Representation(as, params.get("g"), params.get("v"));
    }

    /** 2 for an exact match, 1 for {@code type/*}, 0 for {@code *}{@code /*}; -1 if none. */
    int specificity(String offeredType, String offeredSubtype) {
      if (type.equals("*")) {
        return 0;
      }
      if (!type.equals(offeredType)) {
        return -1;
      }
      if (subtype.equals("*")) {
        return 1;
      }
      return subtype.equals(offeredSubtype) ? 2 : -1;
    }
  }

  /**
   * The offered type the client accepts best: highest quality, then most specific range, then the
   * server's order in {@code offered}. No (or an empty) {@code Accept} header means the first
   * offered type; empty when the client accepts none of them (HTTP 406).
   */
  static Optional<String> negotiate(String accept, List<String> offered) {
    if (accept == null || accept.isBlank()) {
      return offered.stream().findFirst();
    }
    List<Range> ranges = parseAccept(accept);
    String best = null;
    double bestQ = 0;
    int bestSpecificity = -1;
    for (String type : offered) {
      int slash = type.indexOf('/');
      String t = type.substring(0, slash);
      String s = type.substring(slash + 1);
      int specificity = -1;
      double q = 0;
      for (Range range : ranges) {
        int match = range.specificity(t, s);
        if (match > specificity) {
          specificity = match;
          q = range.q();
        }
      }
      if (specificity >= 0
          && q > 0
          && (q > bestQ || (q == bestQ && specificity > bestSpecificity))) {
        best = type;
        bestQ = q;
        bestSpecificity = specificity;
      }
    }
    return Optional.ofNullable(best);
  }

  static List<Range> parseAccept(String accept) {
    List<Range> ranges = new ArrayList<>();
    for (String part : accept.split(",", -1)) {
      // limit -1: ";" splits into two empty fields, never into none
      String[] fields = part.split(";", -1);
      String mediaRange = fields[0].trim().toLowerCase(Locale.ROOT);
      if (mediaRange.equals("*")) {
        mediaRange = "*/*";
      }
      int slash = mediaRange.indexOf('/');
      if (slash <= 0 || slash == mediaRange.length() - 1) {
        continue;
      }
      double q = 1;
      Map<String, String> params = new HashMap<>();
      for (int i = 1; i < fields.length; i++) {
        String param = fields[i].trim();
        int equals = param.indexOf('=');
        if (equals <= 0) {
          continue;
        }
        String name = param.substring(0, equals).trim().toLowerCase(Locale.ROOT);
        String value = param.substring(equals + 1).trim().replace("\"", "");
        if (name.equals("q")) {
          q = parseQuality(value);
        } else {
          params.put(name, value);
        }
      }
      ranges.add(
          new Range(
              mediaRange.substring(0, slash),
              mediaRange.substring(slash + 1),
              q,
              Map.copyOf(params)));
    }
    return ranges;
  }

  /**
   * Whether a request's {@code Content-Type} is JSON: {@code application/json} or any {@code
   * application/*+json}, in UTF-8 (the only charset JSON allows). An absent header is taken as
   * JSON: the original Cup CLI sends none.
   */
  static boolean isJson(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return true;
    }
    String[] fields = contentType.split(";", -1);
    String type = fields[0].trim().toLowerCase(Locale.ROOT);
    boolean json = type.equals(JSON) || (type.startsWith("application/") && type.endsWith("+json"));
    if (!json) {
      return false;
    }
    for (int i = 1; i < fields.length; i++) {
      String param = fields[i].trim();
      if (param.regionMatches(true, 0, "charset=", 0, 8)) {
        String charset = param.substring(8).trim().replace("\"", "");
        if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
          return false;
        }
      }
    }
    return true;
  }

  /** The media type of a {@code Content-Type} header without parameters, lower case; "" if none. */
  static String baseType(String contentType) {
    if (contentType == null) {
      return "";
    }
    return contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
  }

  private static double parseQuality(String value) {
    try {
      double q = Double.parseDouble(value);
      return q < 0 || q > 1 || Double.isNaN(q) ? 1 : q;
    } catch (NumberFormatException e) {
      return 1;
    }
  }
}
