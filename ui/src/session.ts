// The signed-in user (SelfSubjectReview) and what they may do (SelfSubjectAccessReview). The UI
// asks only to decide what to offer: the server still decides every request.

import { getJson } from './api';

export interface User {
  username: string;
  groups: string[];
}

/** Who the server takes the signed-in user (or the holder of {@code token}) to be. */
export async function whoAmI(token?: string): Promise<User> {
  const review = await getJson('/apis/authentication.k8s.io/v1/selfsubjectreviews', {
    method: 'POST',
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    token,
  });
  const info = review.status?.userInfo ?? {};
  return { username: info.username ?? 'unknown', groups: info.groups ?? [] };
}

export interface Attributes {
  group: string;
  resource: string;
  verb: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** Whether the server would allow the signed-in user `attributes`; false when it cannot say. */
export async function may(attributes: Attributes): Promise<boolean> {
  try {
    const review = await getJson('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      method: 'POST',
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: attributes },
      },
    });
    return review.status?.allowed === true;
  } catch {
    return false;
  }
}
