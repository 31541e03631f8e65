global using Xunit;
global using CqtMl.Tests.Shared;
