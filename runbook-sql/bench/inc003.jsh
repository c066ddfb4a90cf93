// INC-003 "MySQL replica lag > 30s" as a JShell session. Run: runbook-sql/bench/inc003.sh (starts a seeded pair)
import dev.runbook.core.*;
import dev.runbook.sql.*;
import java.time.Duration;

var pw = Secret.of(System.getProperty("password"));
var replica = SqlActions.connect(System.getProperty("replica"), System.getProperty("user"), pw);
var primary = SqlActions.connect(System.getProperty("primary"), System.getProperty("user"), pw);
var ctx = ActionContext.standalone();

// Detect: SHOW REPLICA STATUS, in bytes and transactions as well as seconds
replica.dialect();
replica.replicationStatus().read();
replica.replicaLag().read();

// Triage, case 1: a long-running query blocks the replica (SHOW PROCESSLIST)
replica.longRunningQueries(Duration.ofSeconds(2)).read();

// kill it: the dry run lists each session; apply ends exactly those, if they are still the same sessions
var kill = replica.terminateSessions().runningLongerThan(Duration.ofSeconds(2)).queryContains("FOR UPDATE").maxSessions(1);
var killPlan = kill.plan(ctx);
killPlan.summary();
kill.apply(killPlan, ctx);

// the SQL thread moves on... and stops on an order the replica already has
Probes.waitUntil(replica.replicationStatus(), Condition.of("SQL thread stopped or caught up", s -> !s.applying() || Long.valueOf(0).equals(s.secondsBehind())), Duration.ofSeconds(20));
replica.replicationStatus().read();

// Mitigate B: skip that one event, with the justification the runbook asks for (it goes into the audit)
var skip = replica.skipReplicationEvent("INC-003: order 1001 was typed into the replica by hand with the same row; the primary's copy may be dropped");
var skipPlan = skip.plan(ctx);
skipPlan.summary();
skipPlan.details();
skip.apply(skipPlan, ctx);
replica.replicaLag().read();

// The primary's host is being retired: promote the replica, planned (fence, wait for the final position, promote)
var promote = replica.promoteReplica();
var promotePlan = promote.plan(ctx);
promotePlan.summary();
promotePlan.details().get("statements");
var done = promote.apply(promotePlan, ctx);
done.summary();
done.details();
promote.verify(promotePlan, done, ctx);
replica.replicationStatus().read();
primary.replicationStatus().read();
replica.close();
primary.close();
/exit
