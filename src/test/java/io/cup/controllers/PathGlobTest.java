package io.cup.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The glob follows Go's path.Match, segment by segment. */
class PathGlobTest {

  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource(
      delimiter = ';',
      value = {
        "abc;abc;true",
        "*;abc;true",
        "*c;abc;true",
        "a*;a;true",
        "a*/b;abc/b;true",
        "a*/b;a/c/b;false",
        "a*b*c*d*e*/f;axbxcxdxe/f;true",
        "a*b*c*d*e*/f;axbxcxdxexxx/f;true",
        "a*b*c*d*e*/f;axbxcxdxe/xxx/f;false",
        "ab[c];abc;true",
        "ab[b-d];abc;true",
        "ab[e-g];abc;false",
        "ab[^c];abc;false",
        "ab[^b-d];abc;false",
        "ab[^e-g];abc;true",
        "a\\*b;a*b;true",
        "a\\*b;ab;false",
        "a?b;a☺b;true",
        "a[^a]b;a☺b;true",
        "a???b;a☺b;false",
        "[a-ζ]*;α;true",
        "*[a-ζ];A;false",
        "a?b;a/b;false",
        "a*b;a/b;false",
        "[\\]a];];true",
        "[\\-];-;true",
        "[x\\-];x;true",
        "*x;xxx;true",
        "*;'';true",
        "*/*.json;default/x.json;true",
        "*/*.json;x.json;false",
      })
  void matchesAsGoPathMatch(String pattern, String path, boolean expected) throws Exception {
    assertThat(PathGlob.compile(pattern).matches(path)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[", "[^", "[^bc", "a[", "[]a]", "[-]", "[x-]", "[-x]", "[a-b-c]", "\\", "a\\", "[z-a]",
        "[\\"
      })
  void refusesMalformedPatterns(String pattern) {
    assertThatThrownBy(() -> PathGlob.compile(pattern))
        .isInstanceOf(PathGlob.BadPatternException.class)
        .hasMessageContaining(pattern);
  }

  @Test
  void walksOnlyTheDirectoriesThePatternReaches() throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("ns/a/x.json", "1");
    files.put("ns/a/y.yaml", "2");
    files.put("ns/b/z.json", "3");
    files.put("ns/b/deeper/w.json", "4");
    files.put("ns/c.json", "5");
    files.put("other/a/x.json", "6");
    MemoryView view = new MemoryView("c", files);

    var matches = PathGlob.compile("ns/*/*.json").matches(view);

    assertThat(matches)
        .extracting(PathGlob.Match::path)
        .containsExactly("ns/a/x.json", "ns/b/z.json");
    assertThat(matches.get(0).id()).isEqualTo(MemoryView.blobId("1"));
    // the literal "ns" is not listed at the root: one read for ns/, one per matched directory
    assertThat(view.listed).containsExactly("ns", "ns/a", "ns/b");
  }
}
