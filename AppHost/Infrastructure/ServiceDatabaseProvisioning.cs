using Npgsql;

namespace InclusionServices.AppHost.Infrastructure;

/// <summary>
/// Makes a service's login role and database on the local server, idempotently: the role owns its database and
/// everything in it (objects an earlier version made as the superuser are handed over), and no other role may
/// connect to it. Names come from the app host, passwords are hex: nothing here is user input.
/// </summary>
internal static class ServiceDatabaseProvisioning
{
    public static async Task EnsureAsync(string superuser, string role, string password, string database, CancellationToken cancellationToken)
    {
        await using (var server = new NpgsqlConnection(superuser))
        {
            await server.OpenAsync(cancellationToken);
            await ExecuteAsync(server, $"""
                DO $$ BEGIN
                  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN CREATE ROLE "{role}"; END IF;
                END $$;
                ALTER ROLE "{role}" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{password}';
                """, cancellationToken);
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", server);
            exists.Parameters.AddWithValue("name", database);
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                await ExecuteAsync(server, $"""CREATE DATABASE "{database}" OWNER "{role}" """, cancellationToken);
            }
            await ExecuteAsync(server, $"""
                ALTER DATABASE "{database}" OWNER TO "{role}";
                REVOKE ALL ON DATABASE "{database}" FROM PUBLIC;
                """, cancellationToken);
        }

        var inDatabase = new NpgsqlConnectionStringBuilder(superuser) { Database = database }.ConnectionString;
        await using var connection = new NpgsqlConnection(inDatabase);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, $"""
            DO $$ DECLARE item record; BEGIN
              FOR item IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND pg_get_userbyid(c.relowner) <> '{role}'
                  AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'i')) LOOP
                EXECUTE format(CASE item.relkind WHEN 'S' THEN 'ALTER SEQUENCE public.%I OWNER TO "{role}"'
                                                 WHEN 'v' THEN 'ALTER VIEW public.%I OWNER TO "{role}"'
                                                 WHEN 'm' THEN 'ALTER MATERIALIZED VIEW public.%I OWNER TO "{role}"'
                                                 ELSE 'ALTER TABLE public.%I OWNER TO "{role}"' END, item.relname);
              END LOOP;
              FOR item IN SELECT p.oid::regprocedure AS signature FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                  WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> '{role}' LOOP
                EXECUTE format('ALTER FUNCTION %s OWNER TO "{role}"', item.signature);
              END LOOP;
            END $$;
            """, cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
