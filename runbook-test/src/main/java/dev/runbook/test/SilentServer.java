package dev.runbook.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A server that accepts connections on a free loopback port and never answers: an overloaded service, one
 * paused by a debugger or a stop-the-world pause, a half-open load balancer. For tests of what a probe or a
 * plan says when its target hangs (the timeout, the message, one check rather than one per step).
 *
 * <pre>{@code
 * try (SilentServer hung = SilentServer.start()) {
 *     RedisActions redis = RedisActions.connect("redis://127.0.0.1:" + hung.port());
 *     // ... engine.plan(runbook) refuses with "did not answer within 5s"
 * }
 * }</pre>
 */
public final class SilentServer implements AutoCloseable {
    private final ServerSocket socket;
    private final List<Socket> held = new CopyOnWriteArrayList<>();

    private SilentServer(ServerSocket socket) {
        this.socket = socket;
        Thread acceptor = new Thread(this::acceptForever, "silent-server-" + socket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts one on a free port of 127.0.0.1. */
    public static SilentServer start() {
        try {
            return new SilentServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a loopback port for a silent server", e);
        }
    }

    /** Its port. */
    public int port() {
        return socket.getLocalPort();
    }

    /** {@code scheme://127.0.0.1:port}, such as {@code http://127.0.0.1:41234}. */
    public String url(String scheme) {
        return scheme + "://127.0.0.1:" + port();
    }

    private void acceptForever() {
        while (!socket.isClosed()) {
            try {
                held.add(socket.accept()); // accept, never read, never answer
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Closes the port and every connection it accepted. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
        for (Socket s : held) {
            try {
                s.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }
}
