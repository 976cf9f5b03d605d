package io.cup.api;

import io.cup.access.Authentication;
import io.cup.access.Authorizer;
import io.cup.access.RequestAttributes;
import io.cup.access.UserInfo;
import io.cup.bus.Addresses;
import io.cup.bus.BusMessage;
import io.cup.bus.EventAddress;
import io.cup.bus.ForeignAddress;
import io.cup.bus.HeadMoved;
import io.cup.bus.ProposalEvent;
import io.cup.bus.ResourceEvent;
import io.cup.config.BridgeSettings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who a bridge client is and what it may hear, for both event-bus bridges (TCP and SockJS): the
 * same authenticators and the same RBAC as the HTTP API (docs/event-bus.md, "Consuming Cup's events
 * from another service").
 *
 * <ul>
 *   <li>Outbound only Cup's three event addresses. A client names its bearer token in each {@code
 *       register} frame's {@code headers} ({@code {"Authorization": "Bearer <token>"}}); without an
 *       authenticator configured every client is anonymous, as on the API.
 *   <li>{@code cup.events.resource}: every event is checked on its own, {@code watch} on its kind
 *       (group and plural) in its namespace, as a watch of that list would be; a client hears only
 *       the namespaces it may watch.
 *   <li>{@code cup.events.proposal} and {@code cup.events.head}: {@code watch} on {@code proposals}
 *       ({@value ProposalView#GROUP}, cluster-wide), checked when registering. The tracked head's
 *       commit is no more than what a proposal's {@code base} already tells.
 *   <li>Inbound only the addresses {@code --bridge-inbound} names (never Cup's own): a send or
 *       publish needs {@code post} on the non-resource URL {@code /eventbus/<address>}.
 * </ul>
 *
 * The authorizer does no I/O, so every decision is made on the event loop; authentication may wait
 * (an OIDC token seen for the first time) but never blocks.
 */
final class BridgeAccess {
  private static final Logger LOG = LoggerFactory.getLogger(BridgeAccess.class);

  /** The bridges' own answer to a refused frame. */
  static final String ACCESS_DENIED = "access_denied";

  /** The header a client names its token in. */
  static final String AUTHORIZATION = "Authorization";

  /** The non-resource URL an inbound send or publish is authorized on, + its address. */
  static final String INBOUND_PATH = "/eventbus/";

  /** Cup's events, the only outbound addresses, by name. */
  static final Map<String, EventAddress<?>> OUTBOUND =
      Map.of(
          Addresses.EVENTS_RESOURCE.name(), Addresses.EVENTS_RESOURCE,
          Addresses.EVENTS_PROPOSAL.name(), Addresses.EVENTS_PROPOSAL,
          Addresses.EVENTS_HEAD.name(), Addresses.EVENTS_HEAD);

  private final Authentication authentication;
  private final Authorizer authorizer;
  private final Set<String> inbound;

  BridgeAccess(Authentication authentication, Authorizer authorizer, BridgeSettings settings) {
    this.authentication = authentication;
    this.authorizer = authorizer;
    this.inbound = Set.copyOf(settings.inbound());
  }

  /** Whether {@code address} is one of Cup's events. */
  static boolean outbound(String address) {
    return address != null && OUTBOUND.containsKey(address);
  }

  /** Whether clients may send or publish to {@code address} ({@code --bridge-inbound}). */
  boolean inbound(String address) {
    return address != null && inbound.contains(address) && !ForeignAddress.internal(address);
  }

  /**
   * The user of a frame: the token of the {@code Authorization} entry of its {@code headers} (the
   * name in any case), else of {@code connectionAuthorization} (the SockJS connection's own {@code
   * Authorization} header; null for TCP). A failed future: not authenticated.
   */
  Future<UserInfo> authenticate(JsonObject headers, String connectionAuthorization) {
    String header = null;
    if (headers != null) {
      for (String name : headers.fieldNames()) {
        if (name.equalsIgnoreCase(AUTHORIZATION) && headers.getValue(name) instanceof String s) {
          header = s;
        }
      }
    }
    if (header == null) {
      header = connectionAuthorization;
    }
    return authentication.authenticateToken(Authentication.bearerToken(header));
  }

  /**
   * The user a {@code register}, {@code send} or {@code publish} frame is let through for: its
   * token authenticated ({@link #authenticate}), then {@link #mayRegister} or {@link #maySend}
   * asked; null when refused, which is logged ({@link #refused}).
   */
  Future<UserInfo> admit(
      String bridge,
      String type,
      String address,
      JsonObject headers,
      String connectionAuthorization) {
    return authenticate(headers, connectionAuthorization)
        .otherwiseEmpty()
        .map(
            user -> {
              boolean allowed =
                  user != null
                      && (type.equals("register")
                          ? mayRegister(user, address)
                          : maySend(user, address));
              if (!allowed) {
                refused(bridge, type, address, user);
              }
              return allowed ? user : null;
            });
  }

  /** The frame's headers without the credential, as they may be passed on to another service. */
  static JsonObject withoutCredentials(JsonObject headers) {
    if (headers == null) {
      return null;
    }
    JsonObject copy = headers.copy();
    headers.fieldNames().stream()
        .filter(name -> name.equalsIgnoreCase(AUTHORIZATION))
        .toList()
        .forEach(copy::remove);
    return copy;
  }

  /**
   * Whether {@code user} may register for {@code address} (one of {@link #OUTBOUND}): resource
   * events are decided one by one ({@link #mayReceive}); the others need {@code watch} on
   * proposals.
   */
  boolean mayRegister(UserInfo user, String address) {
    if (address.equals(Addresses.EVENTS_RESOURCE.name())) {
      return true;
    }
    return outbound(address) && watchesProposals(user);
  }

  /** Whether {@code user} may hear {@code event}. */
  boolean mayReceive(UserInfo user, BusMessage event) {
    if (event instanceof ResourceEvent resource) {
      return authorizer
          .authorize(
              RequestAttributes.resource(
                  user,
                  "watch",
                  resource.group(),
                  resource.version(),
                  resource.plural(),
                  resource.namespace(),
                  ""))
          .allowed();
    }
    if (event instanceof ProposalEvent || event instanceof HeadMoved) {
      return watchesProposals(user);
    }
    return false;
  }

  /**
   * Reads what a bridge is about to forward from {@code address}: the event, or empty when it is
   * not one of Cup's events or does not read as one.
   */
  static Optional<BusMessage> event(String address, Object body) {
    EventAddress<?> events = OUTBOUND.get(address);
    if (events == null || !(body instanceof JsonObject json)) {
      return Optional.empty();
    }
    try {
      return Optional.of(events.read(json));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Whether {@code user} may send or publish to {@code address} (already {@link #inbound}). */
  boolean maySend(UserInfo user, String address) {
    return authorizer
        .authorize(RequestAttributes.nonResource(user, "post", INBOUND_PATH + address))
        .allowed();
  }

  private boolean watchesProposals(UserInfo user) {
    return authorizer
        .authorize(
            RequestAttributes.resource(
                user, "watch", ProposalView.GROUP, ProposalView.VERSION, "proposals", "", ""))
        .allowed();
  }

  /** A refusal, for the server's log: who (when known), what and why, never the credential. */
  static void refused(String bridge, String type, String address, UserInfo user) {
    String why;
    if (user != null) {
      why = "user \"" + user.username() + "\" may not";
    } else if (type.equals("register") && !outbound(address)) {
      why = "not one of Cup's events";
    } else {
      why = "not authenticated";
    }
    LOG.info(
        "{} bridge: {} to \"{}\" refused: {}", bridge, type, AccessLog.printable(address), why);
  }

  /** As {@link #refused}, for a send or publish to an address that is not inbound. */
  static void notInbound(String bridge, String type, String address) {
    LOG.info(
        "{} bridge: {} to \"{}\" refused: not an inbound address (--bridge-inbound)",
        bridge,
        type,
        AccessLog.printable(address));
  }
}
