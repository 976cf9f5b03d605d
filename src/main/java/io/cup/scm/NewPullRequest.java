package io.cup.scm;

import java.util.List;

/** What Cup asks an SCM to open: {@code head} into {@code base}, with a title, body and labels. */
public record NewPullRequest(
    String head, String base, String title, String body, List<String> labels) {
  public NewPullRequest {
    labels = List.copyOf(labels);
  }
}
