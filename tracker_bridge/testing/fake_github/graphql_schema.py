# ruff: noqa: E501  (the SDL keeps one declaration per line, as GitHub's schema dump does)
"""The slice of GitHub's GraphQL schema the fake serves (Projects v2), as SDL.

Names, nullability and unions follow GitHub's public schema, so real client queries
(fragments on `ProjectV2FieldCommon`, `... on Issue`, variables typed `ProjectV2FieldValue!`)
validate here exactly as they would there; a field GitHub has but the fake lacks is a
validation error, which is the honest answer.
"""

from __future__ import annotations

from functools import cache

from graphql import GraphQLSchema, build_schema

SDL = """
scalar Date
scalar DateTime
scalar URI

interface Node { id: ID! }

type Query {
  organization(login: String!): Organization
  user(login: String!): User
  viewer: User!
  node(id: ID!): Node
  nodes(ids: [ID!]!): [Node]!
  repository(owner: String!, name: String!, followRenames: Boolean = true): Repository
  repositoryOwner(login: String!): RepositoryOwner
  rateLimit(dryRun: Boolean = false): RateLimit
}

type RateLimit { cost: Int! limit: Int! nodeCount: Int! remaining: Int! resetAt: DateTime! used: Int! }

type PageInfo { endCursor: String hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String }

interface ProjectV2Owner {
  id: ID!
  projectV2(number: Int!): ProjectV2
  projectsV2(first: Int, after: String, last: Int, before: String, query: String): ProjectV2Connection!
}

interface RepositoryOwner { id: ID! login: String! url: URI! }
interface Actor { login: String! url: URI! }

type Organization implements Node & ProjectV2Owner & RepositoryOwner & Actor {
  id: ID! login: String! name: String databaseId: Int url: URI!
  projectV2(number: Int!): ProjectV2
  projectsV2(first: Int, after: String, last: Int, before: String, query: String): ProjectV2Connection!
}

type User implements Node & ProjectV2Owner & RepositoryOwner & Actor {
  id: ID! login: String! name: String databaseId: Int url: URI!
  projectV2(number: Int!): ProjectV2
  projectsV2(first: Int, after: String, last: Int, before: String, query: String): ProjectV2Connection!
}

type RepositoryOwnerRef { id: ID! login: String! }

type Repository implements Node {
  id: ID! name: String! nameWithOwner: String! databaseId: Int url: URI! owner: RepositoryOwnerRef!
  issue(number: Int!): Issue
}

type Deployment implements Node {
  id: ID! databaseId: Int commitOid: String! environment: String originalEnvironment: String task: String
  createdAt: DateTime! updatedAt: DateTime! state: DeploymentState latestStatus: DeploymentStatus
}
type DeploymentStatus implements Node {
  id: ID! state: DeploymentStatusState! description: String environment: String createdAt: DateTime! updatedAt: DateTime!
}
enum DeploymentState { ABANDONED ACTIVE DESTROYED ERROR FAILURE INACTIVE IN_PROGRESS PENDING QUEUED SUCCESS WAITING }
enum DeploymentStatusState { ERROR FAILURE INACTIVE IN_PROGRESS PENDING QUEUED SUCCESS WAITING }

type ProjectV2Connection { nodes: [ProjectV2] edges: [ProjectV2Edge] pageInfo: PageInfo! totalCount: Int! }
type ProjectV2Edge { cursor: String! node: ProjectV2 }

type ProjectV2 implements Node {
  id: ID! number: Int! title: String! url: URI! closed: Boolean! public: Boolean!
  shortDescription: String readme: String databaseId: Int createdAt: DateTime! updatedAt: DateTime!
  owner: ProjectV2Owner!
  field(name: String!): ProjectV2FieldConfiguration
  fields(first: Int, after: String, last: Int, before: String): ProjectV2FieldConfigurationConnection!
  items(first: Int, after: String, last: Int, before: String, query: String): ProjectV2ItemConnection!
}

enum ProjectV2FieldType {
  ASSIGNEES DATE ISSUE_TYPE ITERATION LABELS LINKED_PULL_REQUESTS MILESTONE NUMBER PARENT_ISSUE
  REPOSITORY REVIEWERS SINGLE_SELECT SUB_ISSUES_PROGRESS TEXT TITLE TRACKED_BY TRACKS
}

interface ProjectV2FieldCommon {
  id: ID! name: String! dataType: ProjectV2FieldType! databaseId: Int
  createdAt: DateTime! updatedAt: DateTime! project: ProjectV2!
}

type ProjectV2Field implements Node & ProjectV2FieldCommon {
  id: ID! name: String! dataType: ProjectV2FieldType! databaseId: Int
  createdAt: DateTime! updatedAt: DateTime! project: ProjectV2!
}

type ProjectV2SingleSelectFieldOption {
  id: String! name: String! nameHTML: String! color: String! description: String! descriptionHTML: String!
}

type ProjectV2SingleSelectField implements Node & ProjectV2FieldCommon {
  id: ID! name: String! dataType: ProjectV2FieldType! databaseId: Int
  createdAt: DateTime! updatedAt: DateTime! project: ProjectV2!
  options(names: [String!]): [ProjectV2SingleSelectFieldOption!]!
}

type ProjectV2IterationFieldIteration { id: String! title: String! titleHTML: String! startDate: Date! duration: Int! }

type ProjectV2IterationFieldConfiguration {
  duration: Int! startDay: Int!
  iterations: [ProjectV2IterationFieldIteration!]!
  completedIterations: [ProjectV2IterationFieldIteration!]!
}

type ProjectV2IterationField implements Node & ProjectV2FieldCommon {
  id: ID! name: String! dataType: ProjectV2FieldType! databaseId: Int
  createdAt: DateTime! updatedAt: DateTime! project: ProjectV2!
  configuration: ProjectV2IterationFieldConfiguration!
}

union ProjectV2FieldConfiguration = ProjectV2Field | ProjectV2IterationField | ProjectV2SingleSelectField

type ProjectV2FieldConfigurationConnection {
  nodes: [ProjectV2FieldConfiguration] edges: [ProjectV2FieldConfigurationEdge] pageInfo: PageInfo! totalCount: Int!
}
type ProjectV2FieldConfigurationEdge { cursor: String! node: ProjectV2FieldConfiguration }

enum ProjectV2ItemType { DRAFT_ISSUE ISSUE PULL_REQUEST REDACTED }
enum IssueState { CLOSED OPEN }
enum PullRequestState { CLOSED MERGED OPEN }

type Label implements Node { id: ID! name: String! color: String! description: String }
type LabelConnection { nodes: [Label] pageInfo: PageInfo! totalCount: Int! }
type UserConnection { nodes: [User] pageInfo: PageInfo! totalCount: Int! }
enum MilestoneState { CLOSED OPEN }
type Milestone implements Node { id: ID! number: Int! title: String! state: MilestoneState! dueOn: DateTime description: String }

type Issue implements Node {
  id: ID! number: Int! title: String! body: String! state: IssueState! url: URI! databaseId: Int
  createdAt: DateTime! updatedAt: DateTime! closed: Boolean! closedAt: DateTime repository: Repository!
  author: Actor milestone: Milestone parent: Issue issueType: IssueType
  assignees(first: Int, after: String, last: Int, before: String): UserConnection!
  labels(first: Int, after: String, last: Int, before: String): LabelConnection
  projectItems(first: Int, after: String, last: Int, before: String, includeArchived: Boolean = true): ProjectV2ItemConnection!
  timelineItems(first: Int, after: String, last: Int, before: String, itemTypes: [IssueTimelineItemsItemType!], since: DateTime, skip: Int): IssueTimelineItemsConnection!
}

# The timeline as far as the fake records it: labels added and taken off.
enum IssueTimelineItemsItemType { LABELED_EVENT UNLABELED_EVENT }
type LabeledEvent implements Node { id: ID! createdAt: DateTime! actor: Actor label: Label! }
type UnlabeledEvent implements Node { id: ID! createdAt: DateTime! actor: Actor label: Label! }
union IssueTimelineItems = LabeledEvent | UnlabeledEvent
type IssueTimelineItemsConnection {
  nodes: [IssueTimelineItems] pageInfo: PageInfo! totalCount: Int! filteredCount: Int! updatedAt: DateTime!
}

type PullRequest implements Node {
  id: ID! number: Int! title: String! body: String! state: PullRequestState! url: URI! databaseId: Int
  createdAt: DateTime! updatedAt: DateTime! closed: Boolean! closedAt: DateTime repository: Repository!
  author: Actor milestone: Milestone merged: Boolean!
  assignees(first: Int, after: String, last: Int, before: String): UserConnection!
  labels(first: Int, after: String, last: Int, before: String): LabelConnection
}

type DraftIssue implements Node {
  id: ID! title: String! body: String! createdAt: DateTime! updatedAt: DateTime! creator: Actor
  assignees(first: Int, after: String, last: Int, before: String): UserConnection!
}

union ProjectV2ItemContent = DraftIssue | Issue | PullRequest

type ProjectV2Item implements Node {
  id: ID! type: ProjectV2ItemType! isArchived: Boolean! databaseId: Int
  createdAt: DateTime! updatedAt: DateTime! project: ProjectV2! content: ProjectV2ItemContent
  fieldValueByName(name: String!): ProjectV2ItemFieldValue
  fieldValues(first: Int, after: String, last: Int, before: String): ProjectV2ItemFieldValueConnection!
}

type ProjectV2ItemConnection { nodes: [ProjectV2Item] edges: [ProjectV2ItemEdge] pageInfo: PageInfo! totalCount: Int! }
type ProjectV2ItemEdge { cursor: String! node: ProjectV2Item }

interface ProjectV2ItemFieldValueCommon {
  id: ID! databaseId: Int createdAt: DateTime! updatedAt: DateTime!
  field: ProjectV2FieldConfiguration! item: ProjectV2Item!
}

type ProjectV2ItemFieldSingleSelectValue implements Node & ProjectV2ItemFieldValueCommon {
  id: ID! databaseId: Int createdAt: DateTime! updatedAt: DateTime!
  field: ProjectV2FieldConfiguration! item: ProjectV2Item!
  name: String nameHTML: String optionId: String color: String! description: String
}
type ProjectV2ItemFieldIterationValue implements Node & ProjectV2ItemFieldValueCommon {
  id: ID! databaseId: Int createdAt: DateTime! updatedAt: DateTime!
  field: ProjectV2FieldConfiguration! item: ProjectV2Item!
  iterationId: String! title: String! titleHTML: String! startDate: Date! duration: Int!
}
type ProjectV2ItemFieldNumberValue implements Node & ProjectV2ItemFieldValueCommon {
  id: ID! databaseId: Int createdAt: DateTime! updatedAt: DateTime!
  field: ProjectV2FieldConfiguration! item: ProjectV2Item! number: Float
}
type ProjectV2ItemFieldTextValue implements Node & ProjectV2ItemFieldValueCommon {
  id: ID! databaseId: Int createdAt: DateTime! updatedAt: DateTime!
  field: ProjectV2FieldConfiguration! item: ProjectV2Item! text: String
}
type ProjectV2ItemFieldDateValue implements Node & ProjectV2ItemFieldValueCommon {
  id: ID! databaseId: Int createdAt: DateTime! updatedAt: DateTime!
  field: ProjectV2FieldConfiguration! item: ProjectV2Item! date: Date
}
# Built-in fields the fake never fills; present so client fragments on them validate.
type ProjectV2ItemFieldLabelValue { field: ProjectV2FieldConfiguration! }
type ProjectV2ItemFieldMilestoneValue { field: ProjectV2FieldConfiguration! }
type ProjectV2ItemFieldRepositoryValue { field: ProjectV2FieldConfiguration! }
type ProjectV2ItemFieldUserValue { field: ProjectV2FieldConfiguration! }
type ProjectV2ItemFieldPullRequestValue { field: ProjectV2FieldConfiguration! }
type ProjectV2ItemFieldReviewerValue { field: ProjectV2FieldConfiguration! }

union ProjectV2ItemFieldValue = ProjectV2ItemFieldDateValue | ProjectV2ItemFieldIterationValue
  | ProjectV2ItemFieldLabelValue | ProjectV2ItemFieldMilestoneValue | ProjectV2ItemFieldNumberValue
  | ProjectV2ItemFieldPullRequestValue | ProjectV2ItemFieldRepositoryValue
  | ProjectV2ItemFieldReviewerValue | ProjectV2ItemFieldSingleSelectValue
  | ProjectV2ItemFieldTextValue | ProjectV2ItemFieldUserValue

type ProjectV2ItemFieldValueConnection {
  nodes: [ProjectV2ItemFieldValue] edges: [ProjectV2ItemFieldValueEdge] pageInfo: PageInfo! totalCount: Int!
}
type ProjectV2ItemFieldValueEdge { cursor: String! node: ProjectV2ItemFieldValue }

input ProjectV2FieldValue { date: Date iterationId: String number: Float singleSelectOptionId: String text: String }

input AddProjectV2ItemByIdInput { clientMutationId: String contentId: ID! projectId: ID! }
type AddProjectV2ItemByIdPayload { clientMutationId: String item: ProjectV2Item }

input UpdateProjectV2ItemFieldValueInput {
  clientMutationId: String fieldId: ID! itemId: ID! projectId: ID! value: ProjectV2FieldValue!
}
type UpdateProjectV2ItemFieldValuePayload { clientMutationId: String projectV2Item: ProjectV2Item }

input ClearProjectV2ItemFieldValueInput { clientMutationId: String fieldId: ID! itemId: ID! projectId: ID! }
type ClearProjectV2ItemFieldValuePayload { clientMutationId: String projectV2Item: ProjectV2Item }

input UpdateProjectV2ItemPositionInput { afterId: ID clientMutationId: String itemId: ID! projectId: ID! }
type UpdateProjectV2ItemPositionPayload {
  clientMutationId: String
  items(first: Int, after: String, last: Int, before: String): ProjectV2ItemConnection
}

input DeleteProjectV2ItemInput { clientMutationId: String itemId: ID! projectId: ID! }
type DeleteProjectV2ItemPayload { clientMutationId: String deletedItemId: ID }

type IssueType implements Node { id: ID! name: String! description: String isEnabled: Boolean! }

input CreateIssueInput {
  assigneeIds: [ID!] body: String clientMutationId: String issueTemplate: String issueTypeId: ID
  labelIds: [ID!] milestoneId: ID parentIssueId: ID projectV2Ids: [ID!] repositoryId: ID! title: String!
}
type CreateIssuePayload { clientMutationId: String issue: Issue }

type Mutation {
  createIssue(input: CreateIssueInput!): CreateIssuePayload
  addProjectV2ItemById(input: AddProjectV2ItemByIdInput!): AddProjectV2ItemByIdPayload
  updateProjectV2ItemFieldValue(input: UpdateProjectV2ItemFieldValueInput!): UpdateProjectV2ItemFieldValuePayload
  clearProjectV2ItemFieldValue(input: ClearProjectV2ItemFieldValueInput!): ClearProjectV2ItemFieldValuePayload
  deleteProjectV2Item(input: DeleteProjectV2ItemInput!): DeleteProjectV2ItemPayload
  updateProjectV2ItemPosition(input: UpdateProjectV2ItemPositionInput!): UpdateProjectV2ItemPositionPayload
}
"""


@cache
def schema() -> GraphQLSchema:
    """Built once per process: building is the slow part, executing is cheap."""
    return build_schema(SDL)
