package io.cup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.status.StatusException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListPagingTest {
  private static JsonObject named(String name) {
    return new JsonObject().put("metadata", new JsonObject().put("name", name));
  }

  private static final JsonArray ITEMS =
      new JsonArray(List.of(named("c"), named("a"), named("e"), named("b"), named("d")));

  @Test
  void withoutLimitEverythingIsOnePageInNameOrder() {
    ListPaging.Page page = ListPaging.page(ITEMS, "abc", ListPaging.query(null, null));
    assertThat(page.items())
        .containsExactly(named("a"), named("b"), named("c"), named("d"), named("e"));
    assertThat(page.continueToken()).isNull();
  }

  @Test
  void pagesFollowEachOtherUntilTheLast() {
    List<JsonObject> seen = new ArrayList<>();
    ListPaging.Query query = ListPaging.query("2", null);
    int pages = 0;
    while (true) {
      ListPaging.Page page = ListPaging.page(ITEMS, "abc", query);
      seen.addAll(page.items());
      pages++;
      if (page.continueToken() == null) {
        break;
      }
      query = ListPaging.query("2", page.continueToken());
      assertThat(query.commit()).isEqualTo("abc");
    }
    assertThat(pages).isEqualTo(3);
    assertThat(seen).containsExactly(named("a"), named("b"), named("c"), named("d"), named("e"));
  }

  @Test
  void remainingCountsWhatLaterPagesHold() {
    ListPaging.Page page = ListPaging.page(ITEMS, "abc", ListPaging.query("2", null));
    assertThat(page.remaining()).isEqualTo(3);
  }

  @Test
  void badLimitsAndTokensAreBadRequests() {
    for (String limit : List.of("-1", "x", "1.5")) {
      assertThatThrownBy(() -> ListPaging.query(limit, null))
          .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400));
    }
    for (String token : List.of("%%%", "bm90IGpzb24", "e30")) {
      assertThatThrownBy(() -> ListPaging.query(null, token))
          .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400));
    }
  }
}
