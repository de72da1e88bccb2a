// An in-memory SCIM 2.0 server for the tests of connectors/scim, built on
// SCIMMY and scimmy-routers (the SCIM protocol, filters, paging, PATCH and
// error bodies are theirs; the store below is ours).
//
// Environment:
//   SCIMMY_TOKEN  the bearer token every request must carry (required)
//   SCIMMY_PORT   the port to listen on, on 127.0.0.1 only; 0 picks a free one
// The first line on stdout is the port listened on. The SCIM root is /scim/v2.
// The server exits when its standard input closes, so it cannot outlive the
// test process that started it.
import express from "express";
import SCIMMY from "scimmy";
import SCIMMYRouters from "scimmy-routers";

const token = process.env.SCIMMY_TOKEN ?? "";
const port = Number(process.env.SCIMMY_PORT ?? "0");
if (!token) {
    console.error("SCIMMY_TOKEN is empty");
    process.exit(2);
}
if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`SCIMMY_PORT is not a port: ${process.env.SCIMMY_PORT}`);
    process.exit(2);
}

// Ids are deterministic: users 00000000-0000-4000-8000-<n>, groups 00000000-0000-4000-9000-<n>.
const users = new Map();
const groups = new Map();
const userNames = new Map(); // lower-cased userName -> id (userName is case-insensitive, RFC 7643 §4.1.1)
const counters = {user: 0, group: 0};
const newId = (kind) => `00000000-0000-4000-${kind === "user" ? "8" : "9"}000-${(++counters[kind]).toString(16).padStart(12, "0")}`;
const plain = (value) => JSON.parse(JSON.stringify(value));
const conflict = (detail) => new SCIMMY.Types.Error(409, "uniqueness", detail);
const notFound = (id) => new SCIMMY.Types.Error(404, null, `Resource ${id} not found`);

// stamp gives a stored resource its id and meta, keeping created from an earlier version.
function stamp(id, data, previous) {
    const now = new Date().toISOString();
    return {...data, id, meta: {created: previous?.meta?.created ?? now, lastModified: now}};
}

// groupsOf is User.groups: read-only, derived from the groups' members.
function groupsOf(userId) {
    return [...groups.values()]
        .filter((g) => (g.members ?? []).some((m) => m.value === userId))
        .map((g) => ({value: g.id, display: g.displayName, type: "direct"}));
}

// select answers egress: one resource by id, or every resource the filter matches, in creation order
// (SCIMMY's ListResponse then cuts the page at startIndex/count). SCIMMY returns the first page again
// when startIndex is past the last result; the empty list below makes that page empty, as RFC 7644
// §3.4.2.4 expects, with totalResults still counting every match.
function select(resource, all) {
    const matched = resource.filter ? resource.filter.match(all) : all;
    if (resource.id && !matched.length) throw notFound(resource.id);
    if (resource.id) return matched[0];
    const start = resource.constraints?.startIndex ?? 1;
    if (start > matched.length && matched.length > 0) {
        resource.constraints.totalResults = matched.length;
        return [];
    }
    return matched;
}

SCIMMY.Resources.declare(SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false))
    .ingress((resource, instance) => {
        const data = plain(instance);
        delete data.groups;
        const key = String(data.userName ?? "").toLowerCase();
        const owner = userNames.get(key);
        if (owner !== undefined && owner !== resource.id) throw conflict(`userName "${data.userName}" is already taken`);
        const previous = resource.id ? users.get(resource.id) : undefined;
        if (resource.id && !previous) throw notFound(resource.id);
        const user = stamp(resource.id ?? newId("user"), data, previous);
        if (previous) userNames.delete(String(previous.userName).toLowerCase());
        userNames.set(key, user.id);
        users.set(user.id, user);
        return {...user, groups: groupsOf(user.id)};
    })
    .egress((resource) => select(resource, [...users.values()].map((u) => ({...u, groups: groupsOf(u.id)}))))
    .degress((resource) => {
        const user = users.get(resource.id);
        if (!user) throw notFound(resource.id);
        users.delete(user.id);
        userNames.delete(String(user.userName).toLowerCase());
        for (const g of groups.values()) g.members = (g.members ?? []).filter((m) => m.value !== user.id);
    });

// members resolves each member to a stored user (display filled in), refusing unknown ones and repeats.
function members(list = []) {
    const seen = new Set();
    return list.filter((m) => !seen.has(m.value) && seen.add(m.value)).map((m) => {
        const user = users.get(m.value);
        if (!user) throw new SCIMMY.Types.Error(400, "invalidValue", `member "${m.value}" is not a known User`);
        return {value: user.id, display: m.display ?? user.displayName ?? user.userName, type: "User"};
    });
}

SCIMMY.Resources.declare(SCIMMY.Resources.Group)
    .ingress((resource, instance) => {
        const data = plain(instance);
        const taken = [...groups.values()].find((g) => g.id !== resource.id && g.displayName === data.displayName);
        if (taken) throw conflict(`displayName "${data.displayName}" is already taken`);
        const previous = resource.id ? groups.get(resource.id) : undefined;
        if (resource.id && !previous) throw notFound(resource.id);
        const group = stamp(resource.id ?? newId("group"), {...data, members: members(data.members)}, previous);
        groups.set(group.id, group);
        return group;
    })
    .egress((resource) => select(resource, [...groups.values()]))
    .degress((resource) => {
        if (!groups.delete(resource.id)) throw notFound(resource.id);
    });

const app = express();
app.use("/scim/v2", new SCIMMYRouters({
    type: "bearer",
    handler: (request) => {
        if (request.header("Authorization") !== `Bearer ${token}`) throw new Error("Missing or wrong bearer token");
        return "";
    },
}));

const server = app.listen(port, "127.0.0.1", () => {
    process.stdout.write(`${server.address().port}\n`);
});
server.on("error", (err) => {
    console.error(err.message);
    process.exit(1);
});
process.stdin.on("end", () => process.exit(0));
process.stdin.on("close", () => process.exit(0));
process.stdin.resume();
