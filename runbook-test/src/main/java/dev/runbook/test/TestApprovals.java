package dev.runbook.test;

import dev.runbook.core.Approval;
import dev.runbook.core.ApprovalGate;
import dev.runbook.core.ApprovalRequest;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An approval policy for tests: approves or denies by rule, and records every request, so that a test
 * can assert what was asked and what was decided.
 *
 * <pre>{@code
 * TestApprovals approvals = TestApprovals.approvingAll().deny("flush-the-stock-cache");
 * RunbookEngine engine = RunbookEngine.builder().approvals(approvals).build();
 * ...
 * assertThat(approvals.askedFor()).containsExactly("flush-the-stock-cache");
 * }</pre>
 */
public final class TestApprovals implements ApprovalGate {
    /** The approver recorded for decisions this policy makes. */
    public static final String APPROVER = "test-policy";

    private final List<ApprovalRequest> requests = new CopyOnWriteArrayList<>();
    private final List<Approval> decisions = new CopyOnWriteArrayList<>();
    private volatile ApprovalGate policy;

    private TestApprovals(ApprovalGate policy) {
        this.policy = policy;
    }

    /** Approves every step and confirms every manual step. */
    public static TestApprovals approvingAll() {
        return new TestApprovals(req -> Approval.granted(APPROVER, "approved by the test's policy"));
    }

    /** Denies everything, with {@code reason}. */
    public static TestApprovals denyingAll(String reason) {
        return new TestApprovals(req -> Approval.denied(APPROVER, reason));
    }

    /** From now on, denies these steps (approving or confirming the others as before). */
    public TestApprovals deny(String... stepIds) {
        Set<String> ids = Set.of(stepIds);
        ApprovalGate before = policy;
        policy = req -> ids.contains(req.step().stepId())
                ? Approval.denied(APPROVER, "the test denies step " + req.step().stepId())
                : before.decide(req);
        return this;
    }

    /** From now on, decides with {@code gate} (a lambda, a scripted console). */
    public TestApprovals decideWith(ApprovalGate gate) {
        this.policy = Objects.requireNonNull(gate, "gate");
        return this;
    }

    @Override
    public Approval decide(ApprovalRequest request) {
        requests.add(request);
        Approval a = policy.decide(request);
        decisions.add(a);
        return a;
    }

    /** Every request, in order. */
    public List<ApprovalRequest> requests() {
        return List.copyOf(requests);
    }

    /** Every decision, in the order of {@link #requests()}. */
    public List<Approval> decisions() {
        return List.copyOf(decisions);
    }

    /** The step ids that were put to this policy, in order. */
    public List<String> askedFor() {
        return requests.stream().map(r -> r.step().stepId()).toList();
    }

    /** Forgets the recorded requests and decisions. */
    public void clear() {
        requests.clear();
        decisions.clear();
    }
}
