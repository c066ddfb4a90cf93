package dev.runbook.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.RefusedException;
import dev.runbook.core.RunbookException;
import dev.runbook.core.Secret;
import dev.runbook.core.TargetUnavailableException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import org.junit.jupiter.api.Test;

/**
 * How a JDBC failure is told to the user: a server that did not answer (retry, check it is up) against a
 * statement the server rejected (fix the statement). The messages are the drivers' own.
 */
class FailureClassificationTest {
    private final SqlTarget target =
            SqlTarget.connect("jdbc:mariadb://db.example:3306/finance", "runbook", Secret.of("x"));

    private RunbookException failure(SQLException e) {
        return target.failure("read the recon table", e);
    }

    @Test
    void aRejectedStatementIsNotCalledAServerThatDidNotAnswer() {
        // the words "connection" or "conn=" in a table name or the driver's prefix say nothing of the network
        RunbookException noTable =
                failure(new SQLException("(conn=12) Table 'finance.connection_log' doesn't exist", "42S02", 1146));
        RunbookException noDatabase = failure(new SQLException("(conn=12) No database selected", "3D000", 1046));
        RunbookException pgColumn =
                failure(new SQLException("ERROR: column \"connection_id\" does not exist", "42703", 0));

        assertThat(noTable).isInstanceOf(RefusedException.class).hasMessageContaining("rejected the statement");
        assertThat(noDatabase).isInstanceOf(RefusedException.class).hasMessageContaining("No database selected");
        assertThat(pgColumn).isInstanceOf(RefusedException.class).hasMessageContaining("connection_id");
    }

    @Test
    void aServerThatIsDownOrGoneIsUnavailableAndRetryable() {
        RunbookException refused = failure(new SQLNonTransientConnectionException(
                "Socket fail to connect to db.example:3306. Connection refused", "08000", 0));
        RunbookException pgGone = failure(new SQLException("This connection has been closed.", "08003", 0));
        RunbookException reset = failure(new SQLException("Connection reset", null, 0));

        assertThat(refused).isInstanceOf(TargetUnavailableException.class).hasMessageContaining("did not answer");
        assertThat(pgGone).isInstanceOf(TargetUnavailableException.class);
        assertThat(reset).isInstanceOf(TargetUnavailableException.class);
    }

    @Test
    void aLoginRefusedSaysSoAndIsNotRetried() {
        RunbookException denied =
                failure(new SQLException("(conn=3) Access denied for user 'runbook'@'localhost'", "28000", 1045));
        assertThat(denied)
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("refused the login of user 'runbook'");
        assertThat(((TargetUnavailableException) denied).retriable()).isFalse();
    }
}
