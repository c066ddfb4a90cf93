package dev.runbook.test;

import dev.runbook.core.Json;
import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.Secret;
import dev.runbook.core.audit.AuditEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** Where a secret's value shows in the text forms of plans, reports, exceptions and audit records. */
final class Revealed {
    private Revealed() {}

    /** Each text form of {@code thing} that contains the secret's value, named: {@code "plan JSON"}. */
    static List<String> where(Secret secret, Object thing) {
        String value = secret.reveal();
        List<String> out = new ArrayList<>();
        if (value.isEmpty()) {
            return out;
        }
        for (String[] form : forms(thing)) {
            if (form[1] != null && form[1].contains(value)) {
                out.add(form[0]);
            }
        }
        return out;
    }

    private static List<String[]> forms(Object thing) {
        List<String[]> forms = new ArrayList<>();
        if (thing instanceof Plan p) {
            forms.add(new String[] {"the plan's table", p.toString()});
            forms.add(new String[] {"the plan's JSON", p.toJson()});
        } else if (thing instanceof Report r) {
            forms.add(new String[] {"the report's table", r.toString()});
            forms.add(new String[] {"the report's JSON", r.toJson()});
        } else if (thing instanceof Throwable t) {
            StringWriter w = new StringWriter();
            t.printStackTrace(new PrintWriter(w));
            forms.add(new String[] {"the exception (message, causes, suppressed, stack trace)", w.toString()});
        } else if (thing instanceof RecordingAuditSink sink) {
            for (AuditEvent e : sink.events()) {
                forms.add(new String[] {"audit record " + e.type() + " " + e.stepId(), e + "\n" + Json.write(e)});
            }
        } else if (thing instanceof AuditEvent e) {
            forms.add(new String[] {"audit record " + e.type(), e + "\n" + Json.write(e)});
        } else {
            forms.add(new String[] {"its toString()", String.valueOf(thing)});
            try {
                forms.add(new String[] {"its JSON", Json.write(thing)});
            } catch (RuntimeException e) {
                // not every value writes as JSON; its toString was checked
            }
        }
        return forms;
    }
}
