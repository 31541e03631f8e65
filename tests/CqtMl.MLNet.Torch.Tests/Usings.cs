global using Xunit;

// TorchSharp's random generator is process-wide: model initialisation must not interleave between tests.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
