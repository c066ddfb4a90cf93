package dev.runbook.kafka;

import dev.runbook.core.RefusedException;
import dev.runbook.core.RunbookException;
import dev.runbook.core.TargetUnavailableException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Turns Kafka client failures into the SDK's exceptions, each naming the thing and the way out. */
final class KafkaErrors {

    static final long TIMEOUT_SECONDS = 60;

    private KafkaErrors() {}

    /** Waits for an admin future; {@code what} says what was being done, for the message. */
    static <T> T await(KafkaFuture<T> future, String target, String what) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetUnavailableException(target + ": interrupted while " + what, e, true);
        } catch (ExecutionException e) {
            throw map(e.getCause() == null ? e : e.getCause(), target, what);
        } catch (java.util.concurrent.TimeoutException e) {
            throw map(new TimeoutException("no answer in " + TIMEOUT_SECONDS + " s", e), target, what);
        }
    }

    /** The SDK exception for a Kafka failure while {@code what} on {@code target}. */
    static RunbookException map(Throwable e, String target, String what) {
        if (e instanceof RunbookException r) {
            return r;
        }
        String detail = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (e instanceof AuthorizationException) {
            return new TargetUnavailableException(
                    target + " denied " + what + " (" + detail + "); the principal needs " + acl(e)
                            + " (kafka-acls --add --allow-principal User:<you> ...)",
                    e,
                    false);
        }
        if (e instanceof AuthenticationException) {
            return new TargetUnavailableException(
                    target + " rejected the credentials while " + what + " (" + detail
                            + "); check sasl.jaas.config / security.protocol in the client config",
                    e,
                    false);
        }
        if (e instanceof GroupNotEmptyException || e instanceof UnknownMemberIdException) {
            return new RefusedException(target + " refused " + what + " because the group has active members (" + detail
                    + "); stop the consumers, wait until the group is Empty, then plan again");
        }
        if (e instanceof InvalidTopicException) {
            return invalidTopic(target + " refused " + what, e);
        }
        if (e instanceof UnknownTopicOrPartitionException) {
            return new RefusedException(target + ": unknown topic or partition while " + what + " (" + detail
                    + "); check the names with kafka-topics --describe");
        }
        if (e instanceof TimeoutException
                || e instanceof RetriableException
                || e.getCause() instanceof TimeoutException
                || (e.getCause() != null && e.getCause().getCause() instanceof TimeoutException)) {
            return new TargetUnavailableException(
                    target + " did not answer while " + what + " (" + detail
                            + "); is the broker running and reachable from here?",
                    e,
                    true);
        }
        return new TargetUnavailableException(target + " failed while " + what + " (" + detail + ")", e, false);
    }

    /**
     * A name the broker rejects as a topic name (a pattern such as {@code orders.*}, a space, an invisible
     * character pasted with it): bad input, not an unavailable broker.
     */
    static RefusedException invalidTopic(String context, Throwable e) {
        return new RefusedException(
                context + ": not a valid topic name (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                        + "); topics are named exactly, with letters, digits, '.', '_' and '-' only (no patterns,"
                        + " spaces or invisible characters): check the name with kafka-topics --list",
                e);
    }

    private static String acl(Throwable e) {
        if (e instanceof GroupAuthorizationException g) {
            // the broker's answer to an offset commit carries no group id: name it only when known
            return g.groupId() == null
                    ? "Describe and Read on that group"
                    : "Describe and Read on group '" + g.groupId() + "'";
        }
        if (e instanceof TopicAuthorizationException t) {
            return "Describe (and Write to produce, Read to consume) on topics " + t.unauthorizedTopics();
        }
        if (e instanceof TransactionalIdAuthorizationException) {
            return "Write and Describe on that transactional id (kafka-acls ... --transactional-id <id>)";
        }
        if (e instanceof ClusterAuthorizationException) {
            return "Describe on the cluster";
        }
        return "the ACLs for this operation";
    }
}
