package dev.runbook.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.RefusedException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                " ",
                "*",
                "**",
                "_all",
                "a-*,-a-b*",
                "a,b",
                "-orders-*",
                "+orders",
                "Orders-*",
                "orders 2025*",
                "orders?",
                "<orders-{now/d}>",
                "orders#1",
                "a/b"
            })
    void patternsThatCouldMatchEverythingOrHideSomethingAreRefused(String pattern) {
        assertThatThrownBy(() -> Names.checkPattern(pattern))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("pattern");
    }

    @ParameterizedTest
    @ValueSource(strings = {"orders-2025-*", "orders-2025-01", ".tas*", "*-2025-*", "logs-*-app"})
    void ordinaryPatternsPass(String pattern) {
        assertThatCode(() -> Names.checkPattern(pattern)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"orders-*", "a,b", "-orders", "_all", "+x", "a b", "a%2Cb", "", ".", "..", "a\"b", "a\nb"})
    void namesThatElasticsearchWouldReadAsPatternsAreNeverSent(String name) {
        assertThat(Names.isConcrete(name)).isFalse();
        assertThatThrownBy(() -> Names.requireConcrete(name)).hasMessageContaining("nothing was deleted");
    }

    @Test
    void chunksKeepThePathUnderTheLimitAndTheOrder() {
        List<String> names = TestSupport.longNames("orders", 40);
        List<List<String>> chunks = Names.chunks(names, Names.MAX_PATH_BYTES);
        assertThat(chunks.stream().flatMap(List::stream).toList()).isEqualTo(names);
        for (List<String> c : chunks) {
            int bytes = c.stream().mapToInt(Names::pathBytes).sum() + 3 * (c.size() - 1);
            assertThat(bytes).isLessThanOrEqualTo(Names.MAX_PATH_BYTES);
        }
        assertThat(chunks).hasSize(3);
        assertThat(Names.chunks(List.of("a", "b", "c"), 4)).containsExactly(List.of("a"), List.of("b"), List.of("c"));
        assertThat(Names.chunks(List.of("a", "b", "c"), 7)).containsExactly(List.of("a", "b"), List.of("c"));
    }

    @Test
    void oneNameLongerThanTheLimitIsRefused() {
        assertThatThrownBy(() -> Names.chunks(List.of("x".repeat(20)), 10)).isInstanceOf(RefusedException.class);
    }
}
