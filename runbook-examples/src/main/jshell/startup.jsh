// Loaded by ./jshell-runbook after JShell's DEFAULT and PRINTING startups (println(plan) prints a whole table):
import dev.runbook.core.*;
import dev.runbook.core.audit.*;
import dev.runbook.core.http.*;
import dev.runbook.examples.*;
import dev.runbook.kafka.*;
import dev.runbook.redis.*;
import static dev.runbook.core.Conditions.*;
import java.time.Duration;
