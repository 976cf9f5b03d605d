package io.cup.scm;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eclipse.jgit.transport.URIish;

/**
 * The repository on the SCM: {@code owner} and {@code name} for GitHub and Gitea; for GitLab the
 * whole project path ({@code group/subgroup/name}, groups may nest), sent URL-encoded as the
 * project id. Taken from the last path segments of the Git remote as the original Cup did, unless
 * {@code --api-git-scm-repo} names it.
 */
public record ScmRepository(String owner, String name) {
  /** {@code owner/name} (GitLab: the full project path). */
  public String path() {
    return owner + "/" + name;
  }

  /** GitLab's project id form: the path URL-encoded as one segment ({@code group%2Fname}). */
  public String encodedPath() {
    return encode(path());
  }

  /** {@code value} URL-encoded as one path segment ({@code /} too). */
  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * The repository for {@code kind}: {@code override} when given (owner/name; GitLab allows more
   * segments), else the remote URL's path. IllegalArgumentException naming the problem otherwise.
   */
  public static ScmRepository of(ScmKind kind, String remote, String override) {
    List<String> segments;
    if (override != null) {
      segments = segments(override);
      if (segments.size() < 2 || (kind != ScmKind.GITLAB && segments.size() > 2)) {
        throw new IllegalArgumentException(
            "\""
                + override
                + "\" is not "
                + (kind == ScmKind.GITLAB ? "group/…/name" : "owner/name"));
      }
    } else {
      segments = remoteSegments(remote);
      if (segments.size() < 2) {
        throw new IllegalArgumentException(
            "cannot take owner and repository from \""
                + remote
                + "\"; give --api-git-scm-repo owner/name");
      }
      if (kind != ScmKind.GITLAB) {
        segments = segments.subList(segments.size() - 2, segments.size());
      }
    }
    String name = segments.get(segments.size() - 1);
    String owner = String.join("/", segments.subList(0, segments.size() - 1));
    return new ScmRepository(owner, name);
  }

  private static List<String> remoteSegments(String remote) {
    if (remote == null || remote.isBlank()) {
      return List.of();
    }
    String path;
    try {
      path = new URIish(remote).getPath();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("\"" + remote + "\" is not a Git URL");
    }
    List<String> segments = new ArrayList<>(segments(path == null ? "" : path));
    if (!segments.isEmpty()) {
      String last = segments.get(segments.size() - 1);
      if (last.endsWith(".git")) {
        last = last.substring(0, last.length() - 4);
      }
      segments.set(segments.size() - 1, last);
      if (last.isEmpty()) {
        segments.remove(segments.size() - 1);
      }
    }
    return segments;
  }

  private static List<String> segments(String path) {
    List<String> out = new ArrayList<>();
    for (String segment : Arrays.asList(path.split("/"))) {
      if (segment.isEmpty()) {
        continue;
      }
      if (segment.equals(".") || segment.equals("..") || segment.contains("\\")) {
        throw new IllegalArgumentException("\"" + path + "\" has a bad path segment " + segment);
      }
      out.add(segment);
    }
    return out;
  }
}
