// Loaded by ./jshell-runbook after JShell's DEFAULT startup: every package the READMEs use in JShell.
import dev.runbook.core.*;
import dev.runbook.core.audit.*;
import dev.runbook.core.http.*;
import dev.runbook.core.replay.*;
import dev.runbook.examples.*;
import dev.runbook.elasticsearch.*;
import dev.runbook.flink.*;
import dev.runbook.k8s.*;
import dev.runbook.kafka.*;
import dev.runbook.mongo.*;
import dev.runbook.redis.*;
import dev.runbook.sql.*;
import dev.runbook.trino.*;
import static dev.runbook.core.Conditions.*;
import java.time.*;
// The printing shortcuts: println(plan) prints a whole table. JShell's PRINTING startup compiles 30
// methods into the session; one static import of the same methods starts sooner.
import static dev.runbook.examples.JShellPrint.*;
