// ./jshell-runbook's training session for the JShell process's class-data archive (what compiling a
// first incident session loads). Runs once after a build; the port is closed on purpose.
var redis = RedisActions.connect("redis://127.0.0.1:1");
println(redis.memory().read());
println(redis.scanDelete("cache:wms:stock:*").plan(ActionContext.standalone()).summary());
var engine = RunbookEngine.builder().approvals(ApprovalGate.approveAll("warmup", "training run")).build();
var plan = engine.plan(RedisOom.runbook(redis));
println(plan);
/exit
