package dev.runbook.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo's Redis launcher starts a real redis-server that answers, and stops it. */
class RedisServerProcessIT {

    @Test
    void startsARealRedisServerAndStopsIt() throws IOException {
        RedisServerProcess redis = RedisServerProcess.start();
        try {
            assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
            assertThat(ping(redis.port())).isEqualTo("+PONG");
        } finally {
            redis.close();
        }
        assertThat(redis.isAlive()).isFalse();
    }

    @Test
    void aMissingBinaryNamesTheInstallLine() {
        assertThatThrownBy(() -> RedisServerProcess.onPath("redis-server-not-installed"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("redis-server-not-installed is not on the PATH")
                .hasMessageContaining("apt-get install redis-server");
    }

    private static String ping(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = s.getOutputStream();
            out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\r') {
                sb.append((char) c);
            }
            return sb.toString();
        }
    }
}
