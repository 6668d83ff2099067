// Nothing to compile: the header declares libFuzzer's entry point for the Swift targets.
