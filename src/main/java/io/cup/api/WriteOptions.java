package io.cup.api;

import io.cup.bus.ProposalId;
import io.cup.status.StatusException;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The query options of a write ({@code PUT}, {@code PATCH}, {@code DELETE}): Kubernetes {@code
 * dryRun=All}, Cup's {@code proposal=<id>} (add the change to that open proposal), the type to
 * answer with (JSON, or for a dry run also {@code text/x-diff}), and Kubernetes {@code
 * fieldValidation} (see {@link FieldValidation}).
 */
record WriteOptions(boolean dryRun, String proposal, String answer, FieldValidation fields) {
  private static final List<String> JSON_ONLY = List.of(MediaTypes.JSON);
  private static final List<String> DRY_RUN_TYPES = List.of(MediaTypes.JSON, MediaTypes.DIFF);

  /** The options of the request: 400 for a bad value, 406 for an answer we cannot give. */
  static WriteOptions of(RoutingContext ctx) {
    boolean dryRun = dryRun(ctx.queryParams().getAll("dryRun"));
    String proposal = ctx.queryParams().get("proposal");
    if (proposal != null && proposal.isEmpty()) {
      proposal = null;
    }
    if (proposal != null && !ProposalId.isValid(proposal)) {
      throw StatusException.badRequest(
          "proposal must be the id of an open proposal (26 characters, as a 202 answer gives it),"
              + " not \""
              + proposal
              + "\"");
    }
    // a delete has no body to check: Kubernetes ignores the parameter there, and so does Cup
    FieldValidation fields =
        ctx.request().method() == HttpMethod.DELETE
            ? FieldValidation.IGNORE
            : FieldValidation.of(ctx.queryParams().getAll("fieldValidation"));
    String answer = ResourceApi.requireAccept(ctx, dryRun ? DRY_RUN_TYPES : JSON_ONLY);
    return new WriteOptions(dryRun, proposal, answer, fields);
  }

  /** These options, a dry run also when a DeleteOptions body asks for one. */
  WriteOptions orDryRun(boolean bodyDryRun) {
    return bodyDryRun && !dryRun ? new WriteOptions(true, proposal, answer, fields) : this;
  }

  /** Kubernetes {@code dryRun}: absent, or {@code All}. */
  static boolean dryRun(List<String> values) {
    if (values == null || values.isEmpty()) {
      return false;
    }
    if (values.stream().allMatch("All"::equals)) {
      return true;
    }
    throw StatusException.badRequest("dryRun must be All (or absent)");
  }
}
