package dev.runbook.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.RefusedException;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyPatternsTest {

    @Test
    void literalPrefix_stopsAtTheFirstGlobCharacter() {
        assertThat(KeyPatterns.literalPrefix("cache:wms:stock:*")).isEqualTo("cache:wms:stock:");
        assertThat(KeyPatterns.literalPrefix("cache:?x")).isEqualTo("cache:");
        assertThat(KeyPatterns.literalPrefix("cache:[ab]*")).isEqualTo("cache:");
        assertThat(KeyPatterns.literalPrefix("a\\*b*")).isEqualTo("a");
        assertThat(KeyPatterns.literalPrefix("exact:key")).isEqualTo("exact:key");
        assertThat(KeyPatterns.literalPrefix("*:stock")).isEmpty();
    }

    @Test
    void deletePatterns_emptyEverythingAndShortAreRefused() {
        assertThatThrownBy(() -> KeyPatterns.checkDeletePattern("", 4, true))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("empty pattern");
        assertThatThrownBy(() -> KeyPatterns.checkDeletePattern("  ", 4, true)).isInstanceOf(RefusedException.class);
        assertThatThrownBy(() -> KeyPatterns.checkDeletePattern("***", 0, true))
                .hasMessageContaining("matches every key");
        assertThatThrownBy(() -> KeyPatterns.checkDeletePattern("*:stock:*", 4, false))
                .hasMessageContaining("literal prefix ''")
                .hasMessageContaining(".allowShortPrefix()");
        assertThatCode(() -> KeyPatterns.checkDeletePattern("*:stock:*", 4, true))
                .doesNotThrowAnyException();
        assertThatCode(() -> KeyPatterns.checkDeletePattern("cache:*", 4, false))
                .doesNotThrowAnyException();
    }

    @Test
    void protectedGlobs_matchWholeNamesLiterally() {
        var p = KeyPatterns.compile(List.of("session:*", "lock:?", "a.b*"));
        assertThat(KeyPatterns.matchesAny(p, "session:42")).isTrue();
        assertThat(KeyPatterns.matchesAny(p, "xsession:42")).isFalse();
        assertThat(KeyPatterns.matchesAny(p, "lock:1")).isTrue();
        assertThat(KeyPatterns.matchesAny(p, "lock:12")).isFalse();
        assertThat(KeyPatterns.matchesAny(p, "aXb")).isFalse();
        assertThat(KeyPatterns.matchesAny(p, "a.b.c")).isTrue();
    }

    @Test
    void luaPatterns_matchWholeNamesAndEscapeMagicCharacters() {
        assertThat(ScriptCount.luaPattern("session:*")).isEqualTo("^session:.*$");
        assertThat(ScriptCount.luaPattern("lock:?")).isEqualTo("^lock:\u0001$");
        assertThat(ScriptCount.luaPattern("a.b-c%(x)[y]+^$")).isEqualTo("^a%.b%-c%%%(x%)%[y%]%+%^%$$");
    }
}
