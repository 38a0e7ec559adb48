package io.pub.tck;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts each target's broker or store once per run (on first use) and hands it to the tests; JUnit
 * closes it when the run ends because it lives in the root context's store.
 */
final class TargetExtension implements BeforeEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(TargetExtension.class);

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        TckTest test = (TckTest) context.getRequiredTestInstance();
        Target target = test.target;
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        Object started = store.computeIfAbsent(target, t -> {
            try {
                return target.start();
            } catch (Exception e) {
                // Remember the failure (or skip) so that the next test does not try again.
                return e;
            }
        });
        if (started instanceof Exception e) {
            throw e;
        }
        test.backend = (Target.Backend) started;
    }
}
