package dev.runbook.kafka;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.consumer.group.ConsumerGroupCommand;

/**
 * The real {@code kafka-consumer-groups} tool (kafka-tools' {@link ConsumerGroupCommand}) run in this JVM
 * with its exit trapped and its standard output captured: the reference our ResetOffsets is checked
 * against.
 */
final class ConsumerGroupsTool {

    private static final Pattern CSV = Pattern.compile("^([^,\\s]+),(\\d+),(-?\\d+)$");

    /** What the tool printed, and how it exited (0 when it returned normally). */
    record Run(int status, String output) {

        /** The {@code topic,partition,offset} lines of {@code --export}. */
        List<PartitionOffset> exported() {
            List<PartitionOffset> out = new ArrayList<>();
            for (String line : output.split("\\R")) {
                Matcher m = CSV.matcher(line.strip());
                if (m.matches()) {
                    out.add(new PartitionOffset(m.group(1), Integer.parseInt(m.group(2)), Long.parseLong(m.group(3))));
                }
            }
            out.sort(PartitionOffset.ORDER);
            return out;
        }
    }

    private static final class Exited extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        Exited(int status) {
            super("exit " + status, null, false, false);
            this.status = status;
        }
    }

    private ConsumerGroupsTool() {}

    /** Runs {@code kafka-consumer-groups --bootstrap-server <servers> args...}. */
    static synchronized Run run(String bootstrapServers, String... args) {
        String[] full = new String[args.length + 2];
        full[0] = "--bootstrap-server";
        full[1] = bootstrapServers;
        System.arraycopy(args, 0, full, 2, args.length);
        PrintStream originalOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int status = 0;
        Exit.setExitProcedure((code, message) -> {
            throw new Exited(code);
        });
        try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            ConsumerGroupCommand.main(full);
        } catch (Exited e) {
            status = e.status;
        } finally {
            System.setOut(originalOut);
            Exit.resetExitProcedure();
        }
        return new Run(status, captured.toString(StandardCharsets.UTF_8));
    }
}
