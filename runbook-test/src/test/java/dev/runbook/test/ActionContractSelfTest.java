package dev.runbook.test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ActionContractSelfTest extends ActionContract<PutValue> {
    private final Map<String, String> store = new ConcurrentHashMap<>();

    @BeforeEach
    void seed() {
        store.put("flag", "off");
        store.put("other", "x");
    }

    @Override
    protected PutValue action() {
        return new PutValue(store, "flag", "on");
    }

    @Override
    protected Object snapshot() {
        return new TreeMap<>(store);
    }

    @Override
    protected Map<String, PutValue> variants() {
        return Map.of("value", new PutValue(store, "flag", "maybe"));
    }

    @Override
    protected void moveTheWorld() {
        store.put("flag", "half");
    }

    @Test
    void theKitFails_anActionWhoseParametersLeaveOutWhatApplyWrites() {
        ActionContract<PutValue> forgetful = contractOf(
                PutValue.forgettingItsValue(store, "flag", "on"),
                Map.of("value", PutValue.forgettingItsValue(store, "flag", "maybe")));
        assertThatThrownBy(forgetful::contract_everyParameterHasAVariantThatDiffersOnlyInIt)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("how variant 'value' differs from action()");
        assertThatThrownBy(forgetful::contract_applyRefusesAPlanReviewedForOtherParameters)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("another 'value'");
    }

    @Test
    void theKitFails_aParameterWithoutAVariant() {
        ActionContract<PutValue> lazy = contractOf(new PutValue(store, "flag", "on"), Map.of());
        assertThatThrownBy(lazy::contract_everyParameterHasAVariantThatDiffersOnlyInIt)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("without a variant")
                .hasMessageContaining("value");
    }

    private ActionContract<PutValue> contractOf(PutValue action, Map<String, PutValue> variants) {
        return new ActionContract<>() {
            @Override
            protected PutValue action() {
                return action;
            }

            @Override
            protected Object snapshot() {
                return new TreeMap<>(store);
            }

            @Override
            protected void moveTheWorld() {
                store.put("flag", "half");
            }

            @Override
            protected Map<String, PutValue> variants() {
                return variants;
            }
        };
    }
}
