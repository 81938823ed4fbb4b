// The seed page's client code ("Delete Connection", Umbraco.AI Management API), copied as written.
// updateConnection is not on that page; it is written in the same style, since the seed's
// safeDeleteConnection calls it.

export async function updateConnection(id, updates) {
    const response = await fetch(`/umbraco/ai/management/api/v1/connections/${id}`, {
        method: "PUT",
        credentials: "include",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(updates),
    });

    if (!response.ok) {
        const error = await response.json();
        throw new Error(error.detail);
    }

    return await response.json();
}

// --- from the seed, unchanged ---

export async function deleteConnection(id) {
    const response = await fetch(`/umbraco/ai/management/api/v1/connections/${id}`, {
        method: "DELETE",
        credentials: "include",
    });

    if (!response.ok) {
        if (response.status === 404) {
            throw new Error("Connection not found");
        }
        const error = await response.json();
        throw new Error(error.detail);
    }

    return true;
}

export async function safeDeleteConnection(id) {
    // First, deactivate
    await updateConnection(id, { isActive: false });

    // Wait/verify no issues
    // Then delete if confirmed
    await deleteConnection(id);
}
