namespace ArcFaceKit.Server.Tests.Support;

/// <summary>One private PostgreSQL (<see cref="PostgresServer"/>) shared by the tests that need one.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
