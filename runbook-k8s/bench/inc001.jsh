// INC-001 "dispatch engine down" as a JShell session. Run: runbook-k8s/bench/inc001.sh (starts a simulated cluster)
import dev.runbook.core.*;
import dev.runbook.k8s.*;
import java.nio.file.Path;

var k8s = K8sActions.connect(Path.of(System.getProperty("kubeconfig")), "smp-asia");
var ctx = ActionContext.builder().runId("INC-001-demo").stepId("02-restart").build();

// Detect: kubectl get pods -l app=dispatch-engine
k8s.podHealth("smp-prod", "app=dispatch-engine").read();

// Mitigate 1: kubectl rollout restart, dry run first (nothing is written; the API server checks it with dryRun=All)
var restart = k8s.restartDeployment("smp-prod", "dispatch-engine");
var plan = restart.plan(ctx);
plan.summary();
plan.details();

// apply exactly that plan: patch restartedAt, then wait with kubectl's rollout-status rules, driven by a watch
var done = restart.apply(plan, ctx);
done.summary();
restart.verify(plan, done, ctx);
k8s.rolloutStatus("smp-prod", "deployment/dispatch-engine").read();

// the same step again (a rerun, or a resume after a crash) sees its own restart and does nothing
restart.plan(ctx).summary();

// Mitigate 2: scale to 5 for the backlog, and back
var scaleCtx = ActionContext.builder().runId("INC-001-demo").stepId("03-scale").build();
var up = k8s.scaleDeployment("smp-prod", "dispatch-engine", 5);
var upPlan = up.plan(scaleCtx);
upPlan.summary();
up.apply(upPlan, scaleCtx).summary();
k8s.readyReplicas("smp-prod", "deployment/dispatch-engine").read();
var back = up.inverse(upPlan).get();
back.apply(back.plan(scaleCtx), scaleCtx).summary();

// Mitigate 3: the feature flag ENABLE_AUTO_DISPATCH=false, with the old value recorded for the inverse
var flagCtx = ActionContext.builder().runId("INC-001-demo").stepId("04-flag").build();
var flag = k8s.setConfigValue("smp-prod", "dispatch-flags", "ENABLE_AUTO_DISPATCH", "false");
var flagPlan = flag.plan(flagCtx);
flag.apply(flagPlan, flagCtx).summary();
flag.inverse(flagPlan).get().plan(flagCtx).summary();

// A bad input: a name that does not exist
try { k8s.restartDeployment("smp-prod", "dispatch-engin").plan(ctx); } catch (RunbookException e) { System.out.println(e.getMessage()); }
/exit
