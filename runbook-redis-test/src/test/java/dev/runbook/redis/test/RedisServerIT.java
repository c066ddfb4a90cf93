package dev.runbook.redis.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The starter runs a real redis-server that answers, with the given arguments, and stops it. */
class RedisServerIT {

    @Test
    void startsARealRedisServerAndStopsIt() throws IOException {
        RedisServer redis = RedisServer.start("--maxmemory", "7mb");
        try {
            assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
            assertThat(send(redis.port(), "*1\r\n$4\r\nPING\r\n")).isEqualTo("+PONG");
            assertThat(send(redis.port(), "*3\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n$9\r\nmaxmemory\r\n"))
                    .as("the extra arguments reach the server")
                    .isEqualTo("*2");
            assertThat(redis.directory()).isDirectory();
        } finally {
            redis.close();
        }
        assertThat(redis.isAlive()).isFalse();
        assertThat(redis.directory()).doesNotExist();
    }

    @Test
    void aMissingBinaryNamesTheInstallLine() {
        assertThatThrownBy(() -> RedisServer.onPath("redis-server-not-installed"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("redis-server-not-installed is not on the PATH")
                .hasMessageContaining("apt-get install redis-server");
    }

    private static String send(int port, String command) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = s.getOutputStream();
            out.write(command.getBytes(StandardCharsets.US_ASCII));
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
