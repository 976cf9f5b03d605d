package io.cup.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.status.StatusException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelSelectorTest {
  private static final Map<String, String> LABELS =
      Map.of("env", "prod", "tier", "web", "example.com/team", "flags", "empty", "");

  @ParameterizedTest(name = "\"{0}\" → {1}")
  @CsvSource(
      delimiter = ';',
      value = {
        "'';true",
        "'   ';true",
        "env=prod;true",
        "env==prod;true",
        "env = prod;true",
        "env=dev;false",
        "env!=dev;true",
        "env!=prod;false",
        "missing!=x;true",
        "missing=x;false",
        "env;true",
        "missing;false",
        "!missing;true",
        "!env;false",
        "! env;false",
        "env in (prod,dev);true",
        "env in (dev, qa);false",
        "env notin (dev,qa);true",
        "env notin (prod);false",
        "missing notin (prod);true",
        "missing in (prod);false",
        "env=prod,tier=web;true",
        "env=prod, tier=db;false",
        " env in ( prod , dev ) , tier , !missing ;true",
        "example.com/team=flags;true",
        "empty=;true",
        "empty in ();true",
        "empty in (a,);true",
        "env=;false",
        "tier in (web),env notin (dev);true",
      })
  void matches(String selector, boolean expected) {
    assertThat(LabelSelector.parse(selector).matches(LABELS)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "\"{0}\" is refused")
  @CsvSource(
      delimiter = ';',
      value = {
        "env=prod,;expected a label key, found end of selector at position 9",
        ",env;expected a label key, found \",\" at position 0",
        "env prod;expected an operator (=, ==, !=, in, notin) after \"env\", found \"prod\"",
        "env in prod;expected \"(\" to start a set of values, found \"prod\" at position 7",
        "env in (a;expected \",\" or \")\" in a set of values, found end of selector",
        "env in (a b);found \"b\" at position 10",
        "env=(a);expected a label value, found \"(\" at position 4",
        "env=a=b;expected \",\" or end of selector, found \"=\" at position 5",
        "!;expected a label key after \"!\", found end of selector",
        "-env=a;invalid label key \"-env\"",
        "UPPER.example.com/x=a;invalid label key \"UPPER.example.com/x\": its prefix",
        "/x=a;its prefix",
        "a/b/c=x;invalid label key \"a/b/c\"",
        "env=-a;invalid label value \"-a\"",
        "env=a_;invalid label value \"a_\"",
        "env in (ok, bad!);found \"!\"",
        "in=x;expected a label key, found \"in\" at position 0",
        "env > 3;found \">\"",
      })
  void refusesMalformedSelectorsPointingAtTheBadPart(String selector, String message) {
    assertThatThrownBy(() -> LabelSelector.parse(selector))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(400);
              assertThat(e.getMessage())
                  .startsWith("invalid label selector \"" + selector + "\": ")
                  .contains(message);
            });
  }

  @Test
  void keysAndValuesHaveKubernetesLengthLimits() {
    String name63 = "a".repeat(63);
    assertThat(LabelSelector.parse(name63 + "=" + name63).matches(Map.of(name63, name63))).isTrue();
    assertThatThrownBy(() -> LabelSelector.parse("a".repeat(64) + "=x"))
        .isInstanceOf(StatusException.class)
        .hasMessageContaining("invalid label key");
    assertThatThrownBy(() -> LabelSelector.parse("x=" + "a".repeat(64)))
        .isInstanceOf(StatusException.class)
        .hasMessageContaining("invalid label value");
    String prefix =
        "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(61);
    assertThat(prefix).hasSize(253);
    assertThat(LabelSelector.parse(prefix + "/k").matches(Map.of(prefix + "/k", ""))).isTrue();
    assertThatThrownBy(() -> LabelSelector.parse("e" + prefix + "/k"))
        .isInstanceOf(StatusException.class)
        .hasMessageContaining("its prefix");
  }

  @Test
  void emptySelectorAndNoLabels() {
    assertThat(LabelSelector.parse(null).isEmpty()).isTrue();
    assertThat(LabelSelector.parse("").matches(null)).isTrue();
    assertThat(LabelSelector.parse("!a").matches(null)).isTrue();
    assertThat(LabelSelector.parse("a").matches(null)).isFalse();
  }

  @Test
  void describesItsRequirements() {
    assertThat(LabelSelector.parse(" b in (y, x), !c,a==1 , d!=2,e notin (z)").describe())
        .isEqualTo("b in (x,y),!c,a=1,d!=2,e notin (z)");
  }
}
