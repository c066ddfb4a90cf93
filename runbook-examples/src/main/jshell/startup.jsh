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
// The printing shortcuts (JShell's PRINTING startup defines 30 overloads; these three cover them and
// start faster): println(plan) prints a whole table.
void println(Object o) { System.out.println(o); }
void print(Object o) { System.out.print(o); }
void printf(String format, Object... args) { System.out.printf(format, args); }
