import dev.runbook.core.*
import dev.runbook.core.http.*
import dev.runbook.core.replay.*
import dev.runbook.mongo.*
var mongo = MongoActions.connect(System.getProperty("mongo"), "smp");
// Detect: db.event_log.countDocuments({status: "dlq", event_type: "inside.payment.succeeded"})
var depth = mongo.dlqDepth("event_log", "inside.payment.succeeded");
depth.read()
var admin = Http.replayEndpoint(System.getProperty("admin") + "/admin/events/{id}/replay").header("Authorization", Secret.of(System.getProperty("adminToken"))).build();
var replay = mongo.replayDlq("event_log").eventType("inside.payment.succeeded").maxRate(100).to(admin);
var ctx = ActionContext.builder().runId("INC-002-jshell").stepId("02-replay").build();
var plan = replay.plan(ctx);
plan.summary()
var dry = plan.details(ReplayDlqDetails.class);
dry.summary().byOrigin()
dry.summary().previousAttempts()
dry.summary().earliest() + " .. " + dry.summary().latest()
dry.summary().sampleKeys()
dry.statements().get("claim")
dry.statements().get("mark")
depth.read()
var done = replay.apply(plan, ctx);
done.summary()
done.counts()
replay.verify(plan, done, ctx).message()
depth.read()
// The same as a runbook, audited in a hash-chained collection
var audit = mongo.auditSink("runbook_audit");
var engine = RunbookEngine.builder().audit(audit).approvals(ApprovalGate.approveAll("oncall", "INC-002")).build();
var rb = Runbook.builder("INC-002", "Payment webhook failed").precheck("DLQ depth", mongo.dlqDepth("event_log"), Conditions.atLeast(0)).step("replay the rest of the DLQ", mongo.replayDlq("event_log").maxAttempts(3).onMalformed(MalformedPolicy.SKIP).to(admin)).verify("payment DLQ drained", depth, Conditions.zero()).build();
var report = engine.apply(rb, engine.plan(rb));
report
mongo.dlqDepth("event_log").read()
mongo.count("event_log", new org.bson.Document("status", "parked")).read()
audit.verify(audit.head()).size()
/exit
