package dev.runbook.notify;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The seeds' post-mortem template (seed 004), with what the audit knows filled in and the rest marked. */
final class PostMortemMarkdown {
    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter FULL =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final String FILL = "[to fill in]";

    private PostMortemMarkdown() {}

    static String render(PostMortem pm, Incident inc) {
        List<TimelineEntry> rows = pm.timeline();
        StringBuilder sb = new StringBuilder();
        sb.append("# Post-Mortem: ")
                .append(inc == null ? pm.incidentId() : inc.id() + " " + inc.title())
                .append("\n\n");
        sb.append("**Date**: ")
                .append(rows.isEmpty() ? FILL : DAY.format(rows.get(0).time()))
                .append("  \n");
        sb.append("**Severity**: ")
                .append(inc == null ? FILL : inc.severity().label())
                .append("  \n");
        sb.append("**Duration**: ")
                .append(duration(pm.duration()))
                .append(inc == null ? " (first to last audit record)" : " (from the alert to the last audit record)")
                .append("  \n");
        sb.append("**Incident Commander**: ")
                .append(inc == null || inc.commander() == null ? FILL : inc.commander())
                .append("\n\n");
        sb.append("> Timeline generated from the audit only; ")
                .append(pm.verification())
                .append(".\n\n");

        sb.append("## Summary\n").append(FILL).append(" (2-3 sentences)\n\n");
        sb.append(facts(pm)).append("\n\n");

        sb.append("## Timeline\n| Time (UTC) | Event |\n|------------|-------|\n");
        boolean oneDay = rows.isEmpty()
                || DAY.format(rows.get(0).time())
                        .equals(DAY.format(rows.get(rows.size() - 1).time()));
        for (TimelineEntry e : rows) {
            sb.append("| ")
                    .append((oneDay ? TIME : FULL).format(e.time()))
                    .append(" | ")
                    .append(cell(e.event()))
                    .append(" |\n");
        }
        sb.append("\n## Impact\n- **Users affected**: ").append(FILL).append('\n');
        sb.append("- **Duration**: ").append(duration(pm.duration())).append('\n');
        sb.append("- **Data impact**: ").append(FILL).append('\n');
        sb.append("- **Downstream systems**: ").append(FILL).append("\n\n");
        sb.append("## Root Cause\n").append(FILL).append("\n\n");
        sb.append("## Resolution\n");
        List<TimelineEntry> changed = rows.stream()
                .filter(e -> "CHANGED".equals(e.outcome())
                        && List.of("step", "status-page", "escalation").contains(e.kind()))
                .toList();
        if (changed.isEmpty()) {
            sb.append("No step changed anything. ").append(FILL).append('\n');
        }
        changed.forEach(e -> sb.append("- ")
                .append(TIME.format(e.time()))
                .append(' ')
                .append(e.event())
                .append('\n'));
        sb.append("\n## What Went Well\n- ").append(FILL).append("\n\n");
        sb.append("## What Could Be Improved\n- ").append(FILL).append("\n\n");
        sb.append(
                "## Action Items\n| Action | Owner | Due Date | Priority |\n|--------|-------|----------|----------|\n");
        sb.append("| ").append(FILL).append(" | | | |\n\n");
        sb.append("## References\n");
        sb.append("- Incident ticket: ")
                .append(inc == null || inc.ticket() == null ? FILL : inc.ticket())
                .append('\n');
        sb.append("- Runs: ")
                .append(pm.runs().isEmpty() ? "none" : String.join(", ", pm.runs()))
                .append('\n');
        if (inc != null && inc.link() != null) {
            sb.append("- Dashboard: ").append(inc.link()).append('\n');
        }
        return sb.toString();
    }

    private static String facts(PostMortem pm) {
        long steps = pm.timeline().stream().filter(e -> "step".equals(e.kind())).count();
        long changed = pm.timeline().stream()
                .filter(e -> "step".equals(e.kind()) && "CHANGED".equals(e.outcome()))
                .count();
        long notes = pm.timeline().stream()
                .filter(e -> "notification".equals(e.kind()) && "CHANGED".equals(e.outcome()))
                .count();
        long failedNotes = pm.timeline().stream()
                .filter(e -> "notification".equals(e.kind()) && !"CHANGED".equals(e.outcome()))
                .count();
        long status = pm.timeline().stream()
                .filter(e -> "status-page".equals(e.kind()) && "CHANGED".equals(e.outcome()))
                .count();
        long approvals =
                pm.timeline().stream().filter(e -> "approval".equals(e.kind())).count();
        long refusals =
                pm.timeline().stream().filter(e -> "refusal".equals(e.kind())).count();
        return "From the audit: " + plural(pm.runs().size(), "run") + ", " + plural(steps, "remediation step") + " ("
                + changed + " changed something), " + plural(notes, "notification") + " sent"
                + (failedNotes == 0 ? "" : " and " + failedNotes + " not delivered") + ", "
                + plural(status, "status page change") + ", " + plural(approvals, "approval decision")
                + (refusals == 0 ? "" : ", " + plural(refusals, "refused apply")) + ".";
    }

    private static String plural(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    static String duration(Duration d) {
        long h = d.toHours();
        long m = d.toMinutesPart();
        if (h == 0 && m == 0) {
            return d.toSeconds() + " seconds";
        }
        return (h == 0 ? "" : h + (h == 1 ? " hour " : " hours ")) + m + (m == 1 ? " minute" : " minutes");
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replaceAll("\\s*\\n\\s*", " ");
    }
}
