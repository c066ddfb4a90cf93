package dev.runbook.k8s.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy in front of the mock API server, on a fixed loopback port: {@link #down()} closes every
 * connection and stops listening (clients get "connection refused", as when an API server restarts);
 * {@link #up()} listens again on the same port. The simulated controllers talk to the server directly, so
 * the cluster keeps moving while clients cannot see it.
 */
final class ApiServerGate implements AutoCloseable {
    private final int backendPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;
    private volatile int port;

    ApiServerGate(int backendPort) {
        this.backendPort = backendPort;
    }

    synchronized int up() {
        if (server != null) {
            return port;
        }
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            port = s.getLocalPort();
            server = s;
            Thread t = new Thread(() -> accept(s), "api-server-gate-" + port);
            t.setDaemon(true);
            t.start();
            return port;
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on 127.0.0.1:" + port + " for the simulated API server", e);
        }
    }

    synchronized void down() {
        ServerSocket s = server;
        server = null;
        if (s != null) {
            closeQuietly(s);
        }
        open.forEach(ApiServerGate::closeQuietly);
        open.clear();
    }

    boolean isUp() {
        return server != null;
    }

    int port() {
        return port;
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket client = s.accept();
                client.setTcpNoDelay(true);
                Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort);
                backend.setTcpNoDelay(true);
                open.add(client);
                open.add(backend);
                pipe(client, backend);
                pipe(backend, client);
            } catch (IOException e) {
                if (!s.isClosed()) {
                    continue;
                }
                return;
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread t = new Thread(
                () -> {
                    byte[] buf = new byte[16 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buf)) >= 0) {
                            out.write(buf, 0, n);
                            out.flush();
                        }
                    } catch (IOException e) {
                        // a cut connection ends both directions
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                        open.remove(from);
                        open.remove(to);
                    }
                },
                "api-server-gate-pipe");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        down();
    }
}
