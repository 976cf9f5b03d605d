package io.cup.api;

import io.cup.config.AccessSettings;
import io.cup.config.CupVersion;
import io.cup.status.StatusException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser UI (docs/access.md, "The web UI"): a single-page app built into the jar under the
 * classpath directory {@value #DEFAULT_WEB_ROOT} ({@code ui/dist} of the Maven build), served under
 * {@value #PATH} without authentication, as it holds no data; what it shows it reads from the API
 * with the user's token.
 *
 * <ul>
 *   <li>Files through Vert.x's {@link StaticHandler} (file system calls on worker threads). Hashed
 *       assets ({@value #ASSETS}) may be cached for a year; everything else, {@code index.html}
 *       first, is revalidated ({@code no-cache}).
 *   <li>A path that is no file, asked by a browser navigating (its {@code Accept} names {@code
 *       text/html}), gets {@code index.html}: the app routes with the History API. Anything else
 *       missing is a 404 {@code Status}.
 *   <li>{@value #CONFIG} tells the app, before sign-in, whether the server authenticates and how to
 *       sign in with OIDC (authorization code with PKCE).
 *   <li>Every UI answer carries a strict Content-Security-Policy (no inline script or style, only
 *       this origin and the OIDC issuer to talk to), {@code nosniff} and no referrer.
 *   <li>{@code GET /} from a browser is sent to the UI; API clients get what they got before.
 * </ul>
 *
 * When the jar was built without the UI ({@code -Dcup.ui.skip=true}), {@value #PATH} is a 404
 * {@code Status} that says so, and {@code /} sends nobody there.
 */
final class WebUi {
  private static final Logger LOG = LoggerFactory.getLogger(WebUi.class);

  /** Where the UI is served. */
  static final String PATH = "/ui/";

  /** The app's configuration, read before sign-in. */
  static final String CONFIG = "/ui/config.json";

  /** Content-hashed assets: never change under the same name. */
  static final String ASSETS = "/ui/assets/";

  /** The classpath directory the Maven build copies {@code ui/dist} into. */
  static final String DEFAULT_WEB_ROOT = "cup-ui";

  /** The scopes the UI asks the issuer for. */
  static final List<String> SCOPES = List.of("openid", "profile", "email");

  static final String IMMUTABLE = "public, max-age=31536000, immutable";
  static final String REVALIDATE = "no-cache";
  static final String NO_STORE = "no-store";

  private final Buffer index;
  private final StaticHandler files;
  private final String contentSecurityPolicy;
  private final String home;
  private final String config;

  private WebUi(
      Buffer index, String webRoot, AccessSettings access, String publicUrl, String version) {
    this.index = index;
    this.files =
        StaticHandler.create(webRoot)
            .setDirectoryListing(false)
            .setIncludeHidden(false)
            .setDefaultContentEncoding("UTF-8")
            // the files are in the jar: their properties never change while the server runs
            .setFilesReadOnly(true)
            .setAlwaysAsyncFS(true);
    String issuer = access.oidcUiClientId() == null ? null : access.oidcIssuerUrl();
    this.contentSecurityPolicy = contentSecurityPolicy(issuer);
    this.home = prefix(publicUrl) + PATH;
    JsonObject oidc =
        issuer == null
            ? null
            : new JsonObject()
                .put("issuer", issuer)
                .put("clientId", access.oidcUiClientId())
                .put("scopes", new JsonArray(SCOPES));
    this.config =
        new JsonObject()
            .put("authentication", access.authenticates())
            .put("anonymous", !access.authenticates() || access.anonymousAuth())
            .put("oidc", oidc)
            .put("version", version)
            .encode();
  }

  /**
   * The UI in {@code webRoot} (a directory on the classpath, or relative to the working directory):
   * its {@code index.html} is read now, off the event loop; when there is none the UI was not built
   * into this server.
   *
   * @param publicUrl {@code --api-public-url} (its path is where {@code /} sends browsers), or null
   */
  static Future<WebUi> load(Vertx vertx, String webRoot, AccessSettings access, String publicUrl) {
    String indexFile = webRoot + "/index.html";
    String version = CupVersion.current();
    return vertx
        .fileSystem()
        .exists(indexFile)
        .compose(
            exists -> {
              if (!exists) {
                LOG.info(
                    "the web UI is not built into this server (no {}): {} answers 404",
                    indexFile,
                    PATH);
                return Future.succeededFuture(new WebUi(null, webRoot, access, publicUrl, version));
              }
              return vertx
                  .fileSystem()
                  .readFile(indexFile)
                  .map(html -> new WebUi(html, webRoot, access, publicUrl, version));
            });
  }

  /** Whether the UI was built into this server. */
  boolean built() {
    return index != null;
  }

  /**
   * Whether a request is for the UI's files or its configuration, which need no authentication
   * (reads only: anything else on these paths is authenticated, then refused), or a browser's visit
   * to {@code /} (sent on to the UI).
   */
  static boolean unauthenticated(HttpServerRequest request, String path) {
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      return false;
    }
    return path.equals("/ui") || path.startsWith(PATH) || (path.equals("/") && wantsHtml(request));
  }

  /** {@code GET /}: a browser goes to the UI; any other client on (the router's 404 as before). */
  void home(RoutingContext ctx) {
    if (built() && wantsHtml(ctx.request())) {
      ctx.put(AccessLog.ROUTE, "/");
      redirect(ctx);
    } else {
      ctx.next();
    }
  }

  /** {@code GET /ui}: the UI's address ends with a slash (its relative links start there). */
  void slash(RoutingContext ctx) {
    if (ctx.normalizedPath().endsWith("/")) {
      ctx.next(); // Vert.x matches /ui/ here too: the files' route answers it
      return;
    }
    ctx.put(AccessLog.ROUTE, "/ui");
    if (!built()) {
      notBuilt(ctx);
      return;
    }
    redirect(ctx);
  }

  private void redirect(RoutingContext ctx) {
    ctx.response()
        .setStatusCode(302)
        .putHeader(HttpHeaders.LOCATION, home)
        .putHeader(HttpHeaders.CACHE_CONTROL, REVALIDATE)
        .end();
  }

  /** {@code GET /ui/config.json}: what the app needs before anyone signed in. */
  void config(RoutingContext ctx) {
    secure(ctx.response())
        .putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE)
        .putHeader(HttpHeaders.CONTENT_TYPE, MediaTypes.JSON)
        .end(config);
  }

  /** Before the files: the headers of every UI answer, or 404 when there is no UI. */
  void headers(RoutingContext ctx) {
    if (!built()) {
      notBuilt(ctx);
      return;
    }
    secure(ctx.response())
        .putHeader(
            HttpHeaders.CACHE_CONTROL,
            ctx.normalizedPath().startsWith(ASSETS) ? IMMUTABLE : REVALIDATE);
    ctx.next();
  }

  /** The static file handler (it hands a path that is no file on). */
  StaticHandler files() {
    return files;
  }

  /**
   * After the files: a browser navigating to one of the app's routes gets {@code index.html}; a
   * missing asset, or a path asked for by anything but a page load, is 404.
   */
  void fallback(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    String path = ctx.normalizedPath();
    if (path.startsWith(ASSETS) || !wantsHtml(ctx.request())) {
      // a 404 must not be cached as long as the asset it stands for would be
      response.headers().set(HttpHeaders.CACHE_CONTROL, NO_STORE);
      ctx.fail(
          StatusException.notFound(
              "the web UI has no file \""
                  + AccessLog.printable(path.substring(PATH.length()))
                  + "\""));
      return;
    }
    response.headers().set(HttpHeaders.CACHE_CONTROL, REVALIDATE);
    response.putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8").end(index);
  }

  private void notBuilt(RoutingContext ctx) {
    ctx.fail(
        StatusException.notFound(
            "the web UI was not built into this server (it was built with -Dcup.ui.skip=true)"));
  }

  private HttpServerResponse secure(HttpServerResponse response) {
    return response
        .putHeader("Content-Security-Policy", contentSecurityPolicy)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer");
  }

  /**
   * Nothing inline, nothing from elsewhere: scripts, styles, fonts and images from this origin
   * (images also as {@code data:} URLs), requests to this origin and to the OIDC issuer the UI
   * signs in with, no framing, no {@code <base>}, forms only to this origin.
   */
  static String contentSecurityPolicy(String issuer) {
    String issuerOrigin = issuer == null ? null : BrowserGuard.origin(URI.create(issuer));
    return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        + " font-src 'self'; connect-src 'self'"
        + (issuerOrigin == null ? "" : " " + issuerOrigin)
        + "; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  }

  /** Whether the client asks for HTML: a browser loading a page (curl and kubectl do not). */
  static boolean wantsHtml(HttpServerRequest request) {
    String accept = request.getHeader(HttpHeaders.ACCEPT);
    return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
  }

  /** The path of the public URL without its trailing slash ({@code ""} when there is none). */
  private static String prefix(String publicUrl) {
    if (publicUrl == null || publicUrl.isBlank()) {
      return "";
    }
    String path = URI.create(publicUrl.strip()).getRawPath();
    if (path == null) {
      return "";
    }
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return path;
  }
}
