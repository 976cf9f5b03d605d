package io.cup.api;

import io.cup.access.AuditEvent;
import io.cup.access.AuditLog;
import io.cup.access.Authentication;
import io.cup.access.AuthenticationException;
import io.cup.access.Authorizer;
import io.cup.access.Decision;
import io.cup.access.RequestAttributes;
import io.cup.access.UserInfo;
import io.cup.bus.Proposal;
import io.cup.bus.Requester;
import io.cup.config.BridgeSettings;
import io.cup.status.StatusException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every request but the health checks and the signed webhooks: who is asking
 * ({@link Authentication}, 401 otherwise) and whether they may ({@link Authorizer}, 403 otherwise),
 * before anything is read or written, as the Kubernetes API server's filters do. What the request
 * asks is read from its method and path ({@link RequestInfo}).
 *
 * <p>Two decisions need what only the handler learns, and are left to it:
 *
 * <ul>
 *   <li>a PUT is {@code update}, or {@code create} when the resource does not exist yet: a user
 *       allowed both (or neither) is decided here; a user allowed one is decided by {@link
 *       #checkPut} once the resource was read, before anything is proposed;
 *   <li>a proposal's author may always {@code get} and {@code close} it: when RBAC says no, {@link
 *       #checkAuthor} decides once the proposal is read.
 * </ul>
 */
final class AccessControl {
  private static final Logger LOG = LoggerFactory.getLogger(AccessControl.class);

  /** The {@link UserInfo} of the request. */
  static final String USER = "cup.user";

  /** The {@link RequestAttributes} of the request. */
  static final String ATTRIBUTES = "cup.attributes";

  /** For a PUT the user may do only as {@code create} or only as {@code update}: that verb. */
  private static final String PUT_ONLY = "cup.putOnly";

  /** Set when RBAC denied a proposal get or close that the proposal's author may still do. */
  private static final String AUTHOR_ONLY = "cup.authorOnly";

  private static final Set<String> OPEN_PATHS = Set.of("/healthz", "/livez", "/readyz");
  private static final String WEBHOOKS = "/webhooks/";
  private static final Set<String> WRITES = Set.of("create", "update", "patch", "delete");

  /** The proposal a request made, merged or closed: the audit event's annotation. */
  static final String PROPOSAL = "cup.proposal";

  /** The {@link StatusException} a failed request was answered with (for the audit event). */
  static final String STATUS = "cup.status";

  /** The reason of the authorizer's decision (for the audit event). */
  private static final String DECISION = "cup.decision";

  private static final Set<String> AUDITED =
      Set.of("create", "update", "patch", "delete", "deletecollection", "merge", "close");

  /** Who an unauthenticated request's audit event names: nobody, as Kubernetes writes it. */
  private static final UserInfo NOBODY = new UserInfo("", "", List.of(), Map.of(), null);

  private final Authentication authentication;
  private final Authorizer authorizer;
  private final AuditLog audit;

  AccessControl(Authentication authentication, Authorizer authorizer, AuditLog audit) {
    this.authentication = authentication;
    this.authorizer = authorizer;
    this.audit = audit;
  }

  /** Whether a path is outside authentication: health checks, and webhooks (signed). */
  static boolean open(String path) {
    return OPEN_PATHS.contains(path) || path.startsWith(WEBHOOKS);
  }

  /**
   * Whether a path is the SockJS event-bus bridge's: its clients authenticate per frame ({@link
   * BridgeAccess}), as a browser cannot put a token on the connection's requests.
   */
  static boolean bridge(String path) {
    return path.equals(BridgeSettings.SOCKJS_PATH)
        || path.startsWith(BridgeSettings.SOCKJS_PATH + "/");
  }

  /** Router handler, before every route. */
  void handle(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    // a CORS preflight carries no credentials by definition; BrowserGuard answers it, and it
    // changes nothing
    // the web UI's files and configuration hold no data: a browser loads them before sign-in
    if (open(path)
        || bridge(path)
        || BrowserGuard.isPreflight(ctx.request())
        || WebUi.unauthenticated(ctx.request(), path)) {
      ctx.next();
      return;
    }
    RequestInfo info = RequestInfo.of(ctx.request().method(), path, ctx.queryParams());
    Instant received = audit == AuditLog.NONE ? null : Instant.now();
    Future<UserInfo> user = authentication.authenticate(ctx.request());
    if (user.isComplete()) {
      // the usual case (token file, cached JWT, certificate, nobody configured): decided now
      authenticated(ctx, info, received, user);
      return;
    }
    // an OIDC token verified for the first time: the body must wait for the decision
    boolean paused = !ctx.request().isEnded();
    if (paused) {
      ctx.request().pause();
    }
    user.onComplete(
        done -> {
          if (paused) {
            ctx.request().resume();
          }
          authenticated(ctx, info, received, user);
        });
  }

  private void authenticated(
      RoutingContext ctx, RequestInfo info, Instant received, Future<UserInfo> authenticated) {
    if (authenticated.failed()) {
      auditAtEnd(ctx, info.attributes(NOBODY), received);
      unauthorized(ctx, authenticated.cause());
      return;
    }
    UserInfo user = authenticated.result();
    RequestAttributes attributes = info.attributes(user);
    ctx.put(USER, user);
    ctx.put(ATTRIBUTES, attributes);
    auditAtEnd(ctx, attributes, received);
    try {
      authorize(ctx, attributes);
    } catch (StatusException denied) {
      ctx.fail(denied);
      return;
    }
    ctx.next();
  }

  private void authorize(RoutingContext ctx, RequestAttributes attributes) {
    if (attributes.resourceRequest()
        && attributes.verb().equals("update")
        && !attributes.name().isEmpty()) {
      boolean update = authorizer.authorize(attributes).allowed();
      boolean create = authorizer.authorize(attributes.withVerb("create")).allowed();
      if (!update && !create) {
        throw forbidden(attributes);
      }
      if (update != create) {
        ctx.put(PUT_ONLY, update ? "update" : "create");
      }
    } else {
      Decision decision = authorizer.authorize(attributes);
      ctx.put(DECISION, decision.reason());
      if (!decision.allowed()) {
        if (isProposal(attributes)
            && !attributes.name().isEmpty()
            && (attributes.verb().equals("get") || attributes.verb().equals("close"))) {
          ctx.put(AUTHOR_ONLY, Boolean.TRUE);
        } else {
          throw forbidden(attributes);
        }
      }
    }
    String proposal = ctx.queryParams().get("proposal");
    if (proposal != null
        && !proposal.isEmpty()
        && attributes.resourceRequest()
        && WRITES.contains(attributes.verb())) {
      RequestAttributes onProposal =
          RequestAttributes.resource(
              attributes.user(),
              "update",
              ProposalView.GROUP,
              ProposalView.VERSION,
              "proposals",
              "",
              proposal);
      if (!authorizer.authorize(onProposal).allowed()) {
        throw forbidden(onProposal);
      }
    }
  }

  /**
   * Writes, merges and closes, and every request that was refused (401, 403), go to the audit log
   * once their answer is sent, as Kubernetes' audit events at level Metadata.
   */
  private void auditAtEnd(RoutingContext ctx, RequestAttributes attributes, Instant received) {
    if (audit == AuditLog.NONE) {
      return;
    }
    ctx.addEndHandler(
        done -> {
          int code = ctx.response().getStatusCode();
          boolean refused = code == 401 || code == 403;
          boolean write =
              attributes.resourceRequest()
                  && AUDITED.contains(attributes.verb())
                  // a self review is a question, not a write (it creates nothing)
                  && !attributes.resource().startsWith("selfsubject");
          if (!refused && !write) {
            return;
          }
          Map<String, String> annotations = new LinkedHashMap<>();
          if (code != 401) {
            annotations.put(
                AuditEvent.DECISION, code == 403 ? AuditEvent.FORBID : AuditEvent.ALLOW);
            String reason = ctx.get(DECISION);
            if (reason != null && !reason.isEmpty()) {
              annotations.put(AuditEvent.REASON, reason);
            }
          }
          String proposal = ctx.get(PROPOSAL);
          if (proposal == null && isProposal(attributes) && !attributes.name().isEmpty()) {
            proposal = attributes.name();
          }
          if (proposal != null) {
            annotations.put(AuditEvent.PROPOSAL, proposal);
          }
          StatusException status = ctx.get(STATUS);
          audit.record(
              AuditEvent.of(
                  attributes,
                  ctx.request().uri(),
                  sourceIps(ctx),
                  ctx.request().getHeader(HttpHeaders.USER_AGENT),
                  received,
                  Instant.now(),
                  code,
                  status == null ? null : status.reason(),
                  status == null ? null : status.getMessage(),
                  annotations));
        });
  }

  /** The client's address, after the addresses {@code X-Forwarded-For} names, as Kubernetes. */
  private static List<String> sourceIps(RoutingContext ctx) {
    List<String> ips = new ArrayList<>();
    String forwarded = ctx.request().getHeader("X-Forwarded-For");
    if (forwarded != null) {
      for (String ip : forwarded.split(",")) {
        if (!ip.isBlank()) {
          ips.add(ip.strip());
        }
      }
    }
    SocketAddress remote = ctx.request().remoteAddress();
    if (remote != null && remote.host() != null && !ips.contains(remote.host())) {
      ips.add(remote.host());
    }
    return ips;
  }

  /**
   * Whether a PUT's authorization waits for whether the resource exists (see {@link #checkPut}).
   */
  static boolean putNeedsExistence(RoutingContext ctx) {
    return ctx.get(PUT_ONLY) != null;
  }

  /**
   * For a PUT by a user allowed only one of {@code create} and {@code update}: whether the one the
   * write is (the resource exists: update) is it. Called before anything is validated or proposed.
   */
  static void checkPut(RoutingContext ctx, boolean existed) {
    String only = ctx.get(PUT_ONLY);
    if (only == null) {
      return;
    }
    String verb = existed ? "update" : "create";
    if (!only.equals(verb)) {
      RequestAttributes attributes = ctx.get(ATTRIBUTES);
      throw forbidden(attributes.withVerb(verb));
    }
  }

  /**
   * For a proposal get or close that RBAC denied: allowed only to the proposal's author. Called
   * with the proposal read, before it is shown or closed.
   */
  static void checkAuthor(RoutingContext ctx, Proposal proposal) {
    if (ctx.get(AUTHOR_ONLY) == null) {
      return;
    }
    RequestAttributes attributes = ctx.get(ATTRIBUTES);
    UserInfo user = attributes.user();
    boolean author =
        proposal.createdBy() != null
            && !UserInfo.ANONYMOUS_NAME.equals(user.username())
            && user.username().equals(proposal.createdBy().username());
    if (!author) {
      throw forbidden(attributes);
    }
  }

  /** Whether only the proposal's author may do what the request asks (RBAC said no). */
  static boolean authorOnly(RoutingContext ctx) {
    return ctx.get(AUTHOR_ONLY) != null;
  }

  /** The user of a request (anonymous before the access handler ran, as for webhooks). */
  static UserInfo user(RoutingContext ctx) {
    UserInfo user = ctx.get(USER);
    return user == null ? UserInfo.ANONYMOUS : user;
  }

  /**
   * Who a proposal, merge or close is attributed to: the authenticated user; null for an anonymous
   * request (the server's configured identity then authors the commit, as before identity).
   */
  static Requester requester(RoutingContext ctx) {
    UserInfo user = user(ctx);
    if (UserInfo.ANONYMOUS_NAME.equals(user.username())) {
      return null;
    }
    return new Requester(user.username(), user.groups(), user.email());
  }

  private static boolean isProposal(RequestAttributes attributes) {
    return attributes.resourceRequest()
        && attributes.apiGroup().equals(ProposalView.GROUP)
        && attributes.resource().equals("proposals")
        && attributes.namespace().isEmpty();
  }

  private static void unauthorized(RoutingContext ctx, Throwable cause) {
    // the reason is for the server's log only: the client hears "Unauthorized", as from Kubernetes
    LOG.debug(
        "{} {}: unauthorized: {}",
        ctx.request().method(),
        ctx.normalizedPath(),
        cause instanceof AuthenticationException ? cause.getMessage() : cause.toString());
    ctx.fail(StatusException.unauthorized("Unauthorized"));
  }

  /** The Kubernetes API server's words for a denial. */
  static StatusException forbidden(RequestAttributes attributes) {
    String who = "User \"" + attributes.user().username() + "\" cannot " + attributes.verb();
    if (!attributes.resourceRequest()) {
      return StatusException.forbidden("", "", "", "", who + " path \"" + attributes.path() + "\"");
    }
    String resource =
        attributes.subresource().isEmpty()
            ? attributes.resource()
            : attributes.resource() + "/" + attributes.subresource();
    String why =
        who
            + " resource \""
            + resource
            + "\" in API group \""
            + attributes.apiGroup()
            + "\""
            + (attributes.namespace().isEmpty()
                ? " at the cluster scope"
                : " in the namespace \"" + attributes.namespace() + "\"");
    String qualified =
        attributes.apiGroup().isEmpty()
            ? attributes.resource()
            : attributes.resource() + "." + attributes.apiGroup();
    return StatusException.forbidden(
        qualified, attributes.name(), attributes.apiGroup(), attributes.resource(), why);
  }
}
