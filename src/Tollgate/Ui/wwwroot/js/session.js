// Who is signed in, and what their role may do. The server enforces roles too; the UI only hides what would fail.
export const session = {
  user: null,
};

/** Editors and admins change configuration; viewers only look. */
export function canEdit() {
  return session.user?.role === 'admin' || session.user?.role === 'editor';
}

export function isAdmin() {
  return session.user?.role === 'admin';
}
