package dev.runbook.elasticsearch;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Why {@link DeleteIndices} keeps an index, in the words (and with the opt-in) the dry run prints. */
final class Exclusions {
    private final DeleteSettings s;
    private final List<String> globs;
    private final List<Pattern> compiled;
    private final Instant now;
    private final Set<String> dataStreamWriteIndices;

    Exclusions(DeleteSettings s, List<String> protectedGlobs, Instant now, Set<String> dataStreamWriteIndices) {
        this.s = s;
        this.dataStreamWriteIndices = Set.copyOf(dataStreamWriteIndices);
        this.globs = List.copyOf(protectedGlobs);
        this.compiled = globs.stream().map(Exclusions::glob).toList();
        this.now = now;
    }

    /** The reason {@code i} is kept, or {@code null} if it is deleted. */
    String reason(IndexInfo i) {
        if (i.uuid() == null) {
            return "vanished while listing (gone, or closed in between)";
        }
        if (i.system() && !s.includeSystem()) {
            return "system index (.includeSystem())";
        }
        if (i.dataStream() != null && !s.includeDataStreamIndices()) {
            return "backing index of data stream " + i.dataStream() + " (.includeDataStreamIndices())";
        }
        if (i.dataStream() != null && dataStreamWriteIndices.contains(i.name())) {
            return "write index of data stream " + i.dataStream() + " (Elasticsearch refuses to delete it; roll over"
                    + " first: POST " + i.dataStream() + "/_rollover)";
        }
        if (i.hidden() && !s.includeHidden() && !(i.system() || i.dataStream() != null)) {
            return "hidden (.includeHidden())";
        }
        for (int k = 0; k < compiled.size(); k++) {
            if (compiled.get(k).matcher(i.name()).matches()) {
                return "protected by '" + globs.get(k) + "'";
            }
        }
        if (!i.writeIndexOf().isEmpty() && !s.includeWriteIndices()) {
            return "write index of alias " + String.join(",", i.writeIndexOf()) + " (.includeWriteIndices())";
        }
        boolean onlyWriteAliases = s.includeWriteIndices() && i.writeIndexOf().containsAll(i.aliases());
        if (!i.aliases().isEmpty() && !s.includeAliased() && !onlyWriteAliases) {
            return "has alias " + String.join(",", i.aliases()) + " (.includeAliased())";
        }
        if (i.created() == null) {
            return "creation date unknown (.minAge(Duration.ZERO) to ignore age)";
        }
        Duration age = Duration.between(i.created(), now);
        if (age.compareTo(s.minAge()) < 0) {
            return "created " + human(age) + " ago, newer than " + human(s.minAge()) + " (.minAge(...))";
        }
        return null;
    }

    /** The kind of a reason, for summaries: {@code system index}, {@code hidden}, {@code has alias}. */
    static String kind(String reason) {
        if (reason.startsWith("created ")) {
            return "newer than minAge";
        }
        if (reason.startsWith("protected by")) {
            return "protected";
        }
        int cut = reason.indexOf(" (");
        String k = cut < 0 ? reason : reason.substring(0, cut);
        for (String prefix : List.of(
                "backing index of data stream", "write index of data stream", "write index of alias", "has alias")) {
            if (k.startsWith(prefix)) {
                return prefix.equals("backing index of data stream") ? "data stream backing" : prefix;
            }
        }
        return k;
    }

    static String human(Duration d) {
        if (d.isNegative()) {
            return "in the future (clock skew)";
        }
        if (d.toDays() >= 2) {
            return d.toDays() + " days";
        }
        if (d.toHours() >= 2) {
            return d.toHours() + " h";
        }
        if (d.toMinutes() >= 2) {
            return d.toMinutes() + " min";
        }
        return d.toSeconds() + " s";
    }

    private static Pattern glob(String g) {
        StringBuilder re = new StringBuilder();
        for (char c : g.toCharArray()) {
            if (c == '*') {
                re.append(".*");
            } else if (c == '?') {
                re.append('.');
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
