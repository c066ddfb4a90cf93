package dev.runbook.k8s;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** An output stream that keeps only the last {@code max} bytes written, and counts them all. */
final class TailBuffer extends OutputStream {
    private final byte[] ring;
    private long written;

    TailBuffer(int max) {
        this.ring = new byte[max];
    }

    @Override
    public synchronized void write(int b) {
        if (ring.length > 0) {
            ring[(int) (written % ring.length)] = (byte) b;
        }
        written++;
    }

    /** All bytes written. */
    synchronized long written() {
        return written;
    }

    /** The last bytes as UTF-8 text, prefixed by how much was cut when the output was longer. */
    synchronized String text() {
        int n = (int) Math.min(written, ring.length);
        byte[] out = new byte[n];
        int start = (int) ((written - n) % Math.max(ring.length, 1));
        for (int i = 0; i < n; i++) {
            out[i] = ring[(start + i) % ring.length];
        }
        String s = new String(out, StandardCharsets.UTF_8);
        return written > n ? "...(" + (written - n) + " bytes cut) " + s : s;
    }
}
