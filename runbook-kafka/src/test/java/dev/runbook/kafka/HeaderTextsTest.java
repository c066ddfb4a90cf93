package dev.runbook.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderTextsTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void equalBytes_giveTheSameString_decodedOnce() {
        List<String> checked = new ArrayList<>();
        HeaderTexts texts = new HeaderTexts(t -> {
            checked.add(t);
            return t;
        });
        String a = texts.text(utf8("orders"));
        String b = texts.text(utf8("payments"));
        assertThat(texts.text(utf8("orders"))).isSameAs(a).isEqualTo("orders");
        assertThat(texts.text(utf8("payments"))).isSameAs(b);
        assertThat(texts.text(utf8("payments"))).isSameAs(b);
        assertThat(checked).containsExactly("orders", "payments");
        assertThat(texts.size()).isEqualTo(2);
    }

    @Test
    void utf8_isDecoded_andNullStaysNull() {
        HeaderTexts texts = new HeaderTexts();
        assertThat(texts.text(utf8("Nhập kho thất bại"))).isEqualTo("Nhập kho thất bại");
        assertThat(texts.text((byte[]) null)).isNull();
    }

    @Test
    void aRejectedValue_isNotKept_andIsRejectedAgain() {
        HeaderTexts texts = new HeaderTexts(t -> {
            if (t.contains(" ")) {
                throw new IllegalArgumentException("bad: " + t);
            }
            return t;
        });
        assertThatThrownBy(() -> texts.text(utf8("bad topic"))).hasMessage("bad: bad topic");
        assertThatThrownBy(() -> texts.text(utf8("bad topic"))).hasMessage("bad: bad topic");
        assertThat(texts.size()).isZero();
    }

    @Test
    void longValues_areDecodedButNotKept_andTheCacheStartsOverPastItsLimit() {
        HeaderTexts texts = new HeaderTexts();
        String stack = "x".repeat(600);
        assertThat(texts.text(utf8(stack))).isEqualTo(stack);
        assertThat(texts.size()).isZero();
        for (int i = 0; i < HeaderTexts.LIMIT; i++) {
            texts.text(utf8("topic-" + i));
        }
        assertThat(texts.size()).isEqualTo(HeaderTexts.LIMIT);
        assertThat(texts.text(utf8("one-more"))).isEqualTo("one-more");
        assertThat(texts.size()).isEqualTo(1);
        assertThat(texts.text(utf8("topic-7"))).isEqualTo("topic-7");
    }

    @Test
    void aRangeOfALargerBuffer_isReadInPlace_andTheCacheKeepsItsOwnCopy() {
        HeaderTexts texts = new HeaderTexts();
        byte[] fetch = utf8("xxordersyy");
        String orders = texts.text(ByteBuffer.wrap(fetch, 2, 6).slice());
        assertThat(orders).isEqualTo("orders");
        assertThat(texts.text(ByteBuffer.wrap(fetch, 2, 6))).isSameAs(orders);
        Arrays.fill(fetch, (byte) 'z'); // the consumer's next fetch reuses nothing we keep
        assertThat(texts.text(utf8("orders"))).isSameAs(orders);
        assertThat(texts.text(ByteBuffer.wrap(fetch, 2, 6))).isEqualTo("zzzzzz");
        assertThat(texts.text((ByteBuffer) null)).isNull();
    }
}
