package dev.runbook.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GlobTest {
    @Test
    void starAndQuestionMark_matchAsInRunbooks_everythingElseIsLiteral() {
        assertThat(Glob.matches("session:*", "session:42")).isTrue();
        assertThat(Glob.matches("session:*", "sessions:42")).isFalse();
        assertThat(Glob.matches("lock:?", "lock:a")).isTrue();
        assertThat(Glob.matches("lock:?", "lock:ab")).isFalse();
        assertThat(Glob.matches("orders-2025.*", "orders-2025.x")).isTrue();
        assertThat(Glob.matches("orders-2025.*", "orders-2025x"))
                .as("'.' is literal")
                .isFalse();
        assertThat(Glob.matches("[a]*", "[a]b")).as("brackets are literal").isTrue();
        assertThat(Glob.matches("*", "line\nbreak")).isTrue();
    }
}
